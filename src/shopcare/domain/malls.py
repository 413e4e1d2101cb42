"""The malls a shop sells on, named once: cases, orders, policies and the [smtp.mall.NAME]
settings all take these names. A leaf module (it imports nothing), so that settings may read
it without importing the domain."""

MALLS = ("rakuten", "amazon", "yahoo", "shopify", "base", "stores", "own", "other")
