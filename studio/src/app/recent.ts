/** Recently opened records, kept in this browser (per user) for the home screen. */
export interface RecentItem { object: string; id: string; title: string; at: number }

const KEY = 'strata.recent';
const MAX = 12;

export function recentRecords(): RecentItem[] {
  try {
    const items = JSON.parse(localStorage.getItem(KEY) ?? '[]') as RecentItem[];
    return Array.isArray(items) ? items : [];
  } catch {
    return [];
  }
}

export function rememberRecord(item: Omit<RecentItem, 'at'>): void {
  const items = recentRecords().filter((r) => !(r.object === item.object && r.id === item.id));
  items.unshift({ ...item, at: Date.now() });
  localStorage.setItem(KEY, JSON.stringify(items.slice(0, MAX)));
}
