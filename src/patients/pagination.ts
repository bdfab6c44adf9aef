/** The NHS pagination component's links to the page before and the page after, where there are such pages. */
export function paginationFor(page: number, hasNextPage: boolean, hrefFor: (page: number) => string) {
  const link = (to: number) => ({ href: hrefFor(to), label: { text: `Page ${to}` } });
  return {
    ...(page > 1 ? { previous: link(page - 1) } : {}),
    ...(hasNextPage ? { next: link(page + 1) } : {}),
  };
}
