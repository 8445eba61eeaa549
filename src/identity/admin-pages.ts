/** Rows per page of the admin lists. */
export const ADMIN_PAGE_SIZE = 50;
