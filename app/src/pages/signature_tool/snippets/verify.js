const crypto = require("node:crypto");

// Check a SelfCommunity-Signature header against the raw request body (a Buffer).
function verify(secret, header, rawBody, toleranceSeconds = 300) {
  const items = header.split(",").map((part) => part.trim().split("="));
  const timestamps = items.filter(([key]) => key === "t").map(([, value]) => value);
  const signatures = items.filter(([key]) => key === "v0").map(([, value]) => value);
  if (timestamps.length !== 1 || !/^\d+$/.test(timestamps[0])) return false;
  const timestamp = timestamps[0];
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = crypto
    .createHmac("sha256", secret)
    .update(`${timestamp}.`)
    .update(rawBody)
    .digest();
  return signatures.some((signature) => {
    const received = Buffer.from(signature, "hex");
    return received.length === expected.length && crypto.timingSafeEqual(received, expected);
  });
}

// Express: app.post("/hook", express.raw({ type: "application/json" }), (req, res) =>
//   verify(SECRET, req.get("SelfCommunity-Signature"), req.body) ? res.sendStatus(200) : res.sendStatus(400));
module.exports = { verify };
