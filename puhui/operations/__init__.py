"""The application layer: use-cases that span apps (close of business, the registry's recheck
of waiting applications). No models; it calls the domain apps' services and selectors, and the
interfaces (pages, API, commands) call it — one call per request or command."""
