const CITIES = ['Lisbon', 'Osaka', 'Nairobi', 'Quito', 'Tallinn', 'Perth', 'Montreal'];
const TAGS = ['vip', 'new', 'wholesale', 'returning', 'newsletter', 'b2b', 'trial'];

/**
 * A customer record of about 1 KB as JSON: nested objects, an array of orders, strings
 * of varied lengths. Deterministic in `i`, so every contender gets the same payload.
 */
export function makeRecord(i) {
  const city = CITIES[i % CITIES.length];
  return {
    id: i,
    name: `customer ${i} ${'x'.repeat(i % 13)}`,
    email: `customer.${i}@example.org`,
    active: i % 3 !== 0,
    createdAt: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString(),
    address: {
      street: `${(i * 7) % 400} Long Street, building ${i % 9}`,
      city,
      zip: String(10_000 + ((i * 31) % 89_999)),
      country: 'Somewhere',
    },
    tags: [TAGS[i % 7], TAGS[(i + 2) % 7], TAGS[(i + 5) % 7]],
    preferences: {
      language: ['en', 'pt', 'ja', 'sw'][i % 4],
      contact: { email: i % 2 === 0, sms: i % 5 === 0, post: false },
      bio: `Member since ${2020 + (i % 6)}; prefers morning deliveries and paper receipts.`,
    },
    orders: Array.from({ length: 6 }, (_, k) => ({
      sku: `SKU-${(i * 5 + k) % 10_000}`,
      qty: 1 + ((i + k) % 4),
      price: ((i * 13 + k * 7) % 5_000) / 100,
      note: k % 2 === 0 ? 'leave at the door, ring twice' : 'gift wrap, no invoice in the box',
    })),
  };
}

export function makeRecords(n) {
  return Array.from({ length: n }, (_, i) => makeRecord(i));
}
