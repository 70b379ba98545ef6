/**
 * The values of a new row, checked against its table's columns before the
 * statement runs, the same way on both stores: every column but `id` given
 * (the database assigns `id`), no other, each of its column's type. The
 * values are then bound as parameters, never written into SQL.
 */
import type { ColumnType, RowValue } from '../fixtures';
import { invalidRequest } from './errors';
import { isIdentifier } from './identifiers';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

const intRange = [-2_147_483_648, 2_147_483_647] as const;

function checkValue(column: Column, value: unknown): RowValue {
  const refuse = (expected: string) => invalidRequest(`"${column.name}" must be ${expected}`);
  if (column.type === 'int') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < intRange[0] || value > intRange[1])
      throw refuse('an integer');
    return value;
  }
  if (column.type === 'decimal(10,2)') {
    const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    if (typeof text !== 'string' || !/^-?[0-9]{1,8}(\.[0-9]{1,2})?$/.test(text))
      throw refuse('a number with at most 8 digits before the point and 2 after');
    return Number(text).toFixed(2);
  }
  if (column.type === 'date') {
    const match = typeof value === 'string' ? /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(value) : null;
    const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
    if (!match || !date || date.toISOString().slice(0, 10) !== value || Number(match[1]) < 1000)
      throw refuse('a date (YYYY-MM-DD)');
    return value;
  }
  const length = Number(/^varchar\(([0-9]+)\)$/.exec(column.type)?.[1]);
  // Characters, as MySQL counts them in utf8mb4 (not UTF-16 code units); no NUL.
  if (typeof value !== 'string' || [...value].length > length || value.includes('\u0000'))
    throw refuse(`text of at most ${length} characters`);
  return value;
}

/** The checked values of a new row, in the table's column order. */
export function checkRow(columns: readonly Column[], values: unknown): Array<[string, RowValue]> {
  if (typeof values !== 'object' || values === null || Array.isArray(values))
    throw invalidRequest('"values" must be an object of column names and values');
  const given = values as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!isIdentifier(name)) throw invalidRequest('a column name must be 1 to 64 letters, digits or underscores');
    if (name === 'id') throw invalidRequest('"id" is assigned by the database');
    if (!columns.some((column) => column.name === name)) throw invalidRequest(`the table has no column "${name}"`);
  }
  return columns
    .filter((column) => column.name !== 'id')
    .map((column) => {
      if (!Object.hasOwn(given, column.name) || given[column.name] === null || given[column.name] === undefined)
        throw invalidRequest(`"${column.name}" is required`);
      return [column.name, checkValue(column, given[column.name])];
    });
}
