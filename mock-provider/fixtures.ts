/**
 * The vendor's data: each account owns its databases, each database a few
 * tables, each table a few rows. The same data is served from memory (the
 * default) and seeded into a real MariaDB/MySQL when `VENDOR_MYSQL_URL` is set
 * (vendor-data/). Every table has the primary key `id` (INT AUTO_INCREMENT),
 * listed first; every other column is NOT NULL, of one of four types.
 */
export type ColumnType = 'int' | `varchar(${number})` | 'decimal(10,2)' | 'date';

export interface ColumnFixture {
  readonly name: string;
  readonly type: ColumnType;
}

/** A row without its `id` (the database assigns it, 1, 2, 3... in this order). */
export type RowValue = string | number;
export type RowFixture = Readonly<Record<string, RowValue>>;

export interface TableFixture {
  readonly name: string;
  /** The columns after `id`. */
  readonly columns: readonly ColumnFixture[];
  readonly rows: readonly RowFixture[];
}

export interface DatabaseFixture {
  readonly name: string;
  readonly engine: string;
  readonly region: string;
  /** In name order. */
  readonly tables: readonly TableFixture[];
}

const guests = ['Mad Hatter', 'March Hare', 'Dormouse', 'Alice'];
const products = [
  { name: 'Drink Me potion', price: '4.50' },
  { name: 'Eat Me cake', price: '3.25' },
  { name: 'Pocket watch', price: '120.00' },
  { name: 'Flamingo mallet', price: '35.00' },
];

/** 45 orders: more than two default pages (20), so keyset pagination has a third page. */
const orders: RowFixture[] = Array.from({ length: 45 }, (_, index) => ({
  customer_id: (index % 3) + 1,
  total: `${10 + index}.${String((index * 7) % 100).padStart(2, '0')}`,
  placed_on: `2026-${String((index % 12) + 1).padStart(2, '0')}-${String((index % 28) + 1).padStart(2, '0')}`,
}));

export const databasesByAccount: Readonly<Record<string, readonly DatabaseFixture[]>> = {
  alice: [
    {
      name: 'wonderland_shop',
      engine: 'mysql-8.4',
      region: 'eu-west-1',
      tables: [
        {
          name: 'customers',
          columns: [
            { name: 'name', type: 'varchar(64)' },
            { name: 'email', type: 'varchar(128)' },
          ],
          rows: [
            { name: 'White Rabbit', email: 'rabbit@wonderland.example' },
            { name: 'Cheshire Cat', email: 'cat@wonderland.example' },
            { name: 'Queen of Hearts', email: 'queen@wonderland.example' },
          ],
        },
        {
          name: 'orders',
          columns: [
            { name: 'customer_id', type: 'int' },
            { name: 'total', type: 'decimal(10,2)' },
            { name: 'placed_on', type: 'date' },
          ],
          rows: orders,
        },
        {
          name: 'products',
          columns: [
            { name: 'name', type: 'varchar(64)' },
            { name: 'price', type: 'decimal(10,2)' },
          ],
          rows: products,
        },
      ],
    },
    {
      name: 'tea_party',
      engine: 'mysql-8.0',
      region: 'eu-west-1',
      tables: [
        {
          name: 'cups',
          columns: [
            { name: 'colour', type: 'varchar(32)' },
            { name: 'clean', type: 'int' },
          ],
          rows: [
            { colour: 'white', clean: 0 },
            { colour: 'blue', clean: 1 },
          ],
        },
        {
          name: 'guests',
          columns: [
            { name: 'name', type: 'varchar(64)' },
            { name: 'seat', type: 'int' },
          ],
          rows: guests.map((name, index) => ({ name, seat: index + 1 })),
        },
      ],
    },
  ],
  bob: [
    {
      name: 'builder_yard',
      engine: 'mysql-8.4',
      region: 'us-east-1',
      tables: [
        {
          name: 'jobs',
          columns: [
            { name: 'site', type: 'varchar(64)' },
            { name: 'status', type: 'varchar(16)' },
          ],
          rows: [
            { site: 'Bobsville bridge', status: 'done' },
            { site: 'Farmer Pickles barn', status: 'open' },
          ],
        },
        {
          name: 'tools',
          columns: [
            { name: 'name', type: 'varchar(64)' },
            { name: 'owner', type: 'varchar(64)' },
          ],
          rows: [
            { name: 'Scoop', owner: 'Bob' },
            { name: 'Muck', owner: 'Bob' },
            { name: 'Dizzy', owner: 'Wendy' },
          ],
        },
      ],
    },
  ],
};

/** Which account owns a database of this name, and the database (names are unique across accounts). */
export function findDatabase(name: string): { owner: string; database: DatabaseFixture } | undefined {
  for (const [owner, databases] of Object.entries(databasesByAccount)) {
    const database = databases.find((candidate) => candidate.name === name);
    if (database) return { owner, database };
  }
  return undefined;
}
