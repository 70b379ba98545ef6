/**
 * The vendor's data: each account sees its own databases and tables.
 */
export interface DatabaseFixture {
  readonly name: string;
  readonly engine: string;
  readonly region: string;
  readonly tables: readonly string[];
}

export const databasesByAccount: Readonly<Record<string, readonly DatabaseFixture[]>> = {
  alice: [
    { name: 'wonderland_shop', engine: 'mysql-8.4', region: 'eu-west-1', tables: ['customers', 'orders', 'products'] },
    { name: 'tea_party', engine: 'mysql-8.0', region: 'eu-west-1', tables: ['cups', 'guests'] },
  ],
  bob: [{ name: 'builder_yard', engine: 'mysql-8.4', region: 'us-east-1', tables: ['jobs', 'tools'] }],
};
