/**
 * `MYSQL_URL` as it may be shown in messages: host, port and database,
 * never its user or password.
 */
export function describeMysqlUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '3306'}${parsed.pathname}`;
  } catch {
    return 'an invalid MYSQL_URL';
  }
}
