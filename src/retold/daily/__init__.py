"""The daily digest: the day's top stories as a page, a feed entry and an email."""
