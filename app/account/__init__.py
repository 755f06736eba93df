"""A student's own account data: the download of everything the app holds about them."""
