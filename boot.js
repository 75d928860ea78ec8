// Starts the app. An external module (not trunk's inline script) so that the Content-Security-Policy can
// forbid inline scripts; trunk fills the data block's attributes with the hashed file names (Trunk.toml).
const tag = document.querySelector("script[data-wasm]");
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
