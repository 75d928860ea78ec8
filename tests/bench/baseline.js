// The plain-JavaScript baseline of `cargo xtask bench render`: builds the console's endpoint table
// (the same elements, classes, attributes, texts and event listeners as the app's EndpointTable) from
// the same JSON, with the DOM API and nothing else. The bench calls `buildEndpointTable` and times it
// exactly as it times the app's table; see tests/examples/render_bench.rs.

const CHIPS = 3;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    node.setAttribute(name, value);
  }
  for (const child of children) {
    node.append(child);
  }
  return node;
}

function plural(n, unit) {
  return n === 1 ? `1 ${unit}` : `${n} ${unit}s`;
}

// As app/src/time.rs `relative`.
function relative(then, now) {
  const delta = Math.round((now - then) / 1000);
  const s = Math.abs(delta);
  let amount;
  if (s < 10) return "just now";
  else if (s < 60) amount = `${s} s`;
  else if (s < 3600) amount = `${Math.floor(s / 60)} min`;
  else if (s < 86400) amount = `${Math.floor(s / 3600)} h`;
  else if (s < 86400 * 60) amount = plural(Math.floor(s / 86400), "day");
  else if (s < 86400 * 730) amount = plural(Math.floor(s / (86400 * 30)), "month");
  else amount = plural(Math.floor(s / (86400 * 365)), "year");
  return delta < 0 ? `in ${amount}` : `${amount} ago`;
}

function time(iso, now) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return el("span", {}, iso);
  const exact = new Date(ms).toLocaleString(navigator.language || "en");
  return el("time", { datetime: iso, title: exact }, relative(ms, now));
}

function sortHeader(label, state, href, className) {
  const hint = {
    ascending: "sorted ascending; activate to sort descending",
    descending: "sorted descending; activate to sort ascending",
    none: "activate to sort",
  }[state];
  const arrow = { ascending: "↑", descending: "↓", none: "↕" }[state];
  return el(
    "th",
    { scope: "col", class: className, "aria-sort": state },
    el("a", { href, class: "sort-link", title: hint }, label, el("span", { class: "sort-arrow", "aria-hidden": "true" }, arrow)),
  );
}

function activeSwitch(endpoint) {
  const input = el("input", { type: "checkbox", role: "switch", "aria-label": `Active: ${endpoint.target}` });
  input.checked = endpoint.is_active;
  const label = el("span", { class: "switch-label" }, endpoint.is_active ? "On" : "Off");
  input.addEventListener("change", () => {
    label.textContent = input.checked ? "On" : "Off";
  });
  return el("label", { class: "switch" }, input, el("span", { class: "switch-track", "aria-hidden": "true" }), label);
}

function eventChips(events) {
  const count = events.length;
  const chips = el("span", { class: "event-chips" }, el("span", { class: "event-count" }, count === 1 ? "1 event" : `${count} events`));
  for (const subscription of events.slice(0, CHIPS)) {
    chips.append(el("code", { class: "chip" }, subscription.type));
  }
  if (count > CHIPS) chips.append(el("span", { class: "chip more" }, `+${count - CHIPS}`));
  return chips;
}

function description(text) {
  if (text) return el("span", { class: "description" }, text);
  return el("span", { class: "muted" }, el("span", { "aria-hidden": "true" }, "—"), el("span", { class: "visually-hidden" }, "No description"));
}

function row(endpoint, now, onDelete) {
  const id = String(endpoint.id);
  const remove = el("button", { type: "button", class: "button small danger-text", "aria-label": `Delete ${endpoint.target}` }, "Delete");
  remove.addEventListener("click", () => onDelete(endpoint));
  const ssl = endpoint.ssl_cert_verification
    ? el("span", { class: "badge ok" }, "Verified")
    : el("span", { class: "badge warn", title: "Certificate errors are ignored for this endpoint" }, "Not verified");
  return el(
    "tr",
    { "data-endpoint-id": id },
    el("td", { class: "col-target" }, el("a", { class: "target", href: `/endpoints/${id}`, title: endpoint.target }, endpoint.target)),
    el("td", { class: "col-description" }, description(endpoint.description)),
    el("td", { class: "col-events" }, eventChips(endpoint.events)),
    el("td", { class: "col-active", "data-label": "Active" }, activeSwitch(endpoint)),
    el("td", { class: "col-ssl", "data-label": "SSL" }, ssl),
    el("td", { class: "col-created", "data-label": "Created" }, time(endpoint.created_at, now)),
    el("td", { class: "col-updated", "data-label": "Updated" }, time(endpoint.updated_at, now)),
    el(
      "td",
      { class: "col-actions" },
      el(
        "span",
        { class: "row-actions" },
        el("a", { href: `/endpoints/${id}/edit`, class: "button small", "aria-label": `Edit ${endpoint.target}` }, "Edit"),
        remove,
      ),
    ),
  );
}

/// Parses `json` (a page of endpoints) and appends the table of all its endpoints to `parent`.
window.buildEndpointTable = (parent, json) => {
  const page = JSON.parse(json);
  const now = Date.now();
  const onDelete = () => {};
  const tbody = el("tbody", {});
  for (const endpoint of page.results) {
    tbody.append(row(endpoint, now, onDelete));
  }
  const table = el(
    "table",
    { class: "table endpoints-table" },
    el("caption", { class: "visually-hidden" }, "Webhook endpoints"),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        el("th", { scope: "col" }, "Target"),
        el("th", { scope: "col", class: "col-description" }, "Description"),
        el("th", { scope: "col" }, "Events"),
        sortHeader("Active", "none", "/endpoints?ordering=-is_active", "col-active"),
        el("th", { scope: "col", class: "col-ssl" }, "SSL"),
        sortHeader("Created", "descending", "/endpoints?ordering=created_at", "col-created"),
        sortHeader("Updated", "none", "/endpoints?ordering=-updated_at", "col-updated"),
        el("th", { scope: "col", class: "col-actions" }, el("span", { class: "visually-hidden" }, "Actions")),
      ),
    ),
    tbody,
  );
  parent.append(el("div", { class: "table-wrap cards" }, table));
};
