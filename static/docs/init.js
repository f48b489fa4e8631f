// Swagger UI for /docs, from the vendored bundle: no CDN, no inline script.
window.ui = window.SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
});
