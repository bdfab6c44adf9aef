import type { Bundle, BundleLink, Resource } from '@medplum/fhirtypes';

/** Where a search was made: the server's base address, the resource type and the query string as given. */
export interface SearchPlace {
  base: string;
  resourceType: string;
  query: Record<string, unknown>;
}

function searchUrl(place: SearchPlace, query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(key, String(one));
  }
  const text = params.toString();
  return `${place.base}/${place.resourceType}${text ? `?${text}` : ''}`;
}

/**
 * A searchset Bundle: the matches, a `self` link, a `next` link when another page follows (the same search
 * with the page's key changed) and the total when it was cheap to count.
 */
export function searchBundle(
  place: SearchPlace,
  resources: readonly Resource[],
  options: { next?: Record<string, string>; total?: number } = {},
): Bundle {
  const link: BundleLink[] = [{ relation: 'self', url: searchUrl(place, place.query) }];
  if (options.next) {
    const { _cursor: _, _offset: __, ...rest } = place.query;
    link.push({ relation: 'next', url: searchUrl(place, { ...rest, ...options.next }) });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(options.total !== undefined ? { total: options.total } : {}),
    link,
    entry: resources.map((resource) => ({
      fullUrl: `${place.base}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

/** A page cut from a list read whole (a child's care plans, orders, alerts): small by nature. */
export function pageOf<T>(all: readonly T[], page: { count: number; offset: number }) {
  const items = all.slice(page.offset, page.offset + page.count);
  const more = all.length > page.offset + page.count;
  return { items, total: all.length, next: more ? { _offset: String(page.offset + page.count) } : undefined };
}
