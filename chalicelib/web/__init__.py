"""The HTTP border: routing, validation, errors, CORS, OpenAPI and docs."""
