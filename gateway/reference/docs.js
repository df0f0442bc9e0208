// The docs page: Swagger UI over the gateway's own /openapi.json (no inline script: the page's
// Content-Security-Policy allows scripts from the gateway only).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
});
