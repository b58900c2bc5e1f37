"""Development tools, not product code: the demo data (``puhui demo``), the benchmarks
(``puhui bench …``) and the server process the HTTP benchmarks measure. Everything here is
made through the apps' services, as a user or an operator would make it; nothing writes models
directly, and nothing in the product imports this app."""
