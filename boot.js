// Starts the app. An external module (not trunk's inline script) so that the Content-Security-Policy can
// forbid inline scripts; trunk fills the data block's attributes with the hashed file names (Trunk.toml).
// First the theme the admin chose (app/src/theme.rs), so that the page never flashes the other one.
try {
  const theme = localStorage.getItem("webhook-console.theme");
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
} catch {}
const tag = document.querySelector("script[data-wasm]");
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
