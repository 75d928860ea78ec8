<?php
// Check a SelfCommunity-Signature header against the raw request body.
function verify(string $secret, string $header, string $body, int $tolerance = 300): bool
{
    $timestamps = [];
    $signatures = [];
    foreach (explode(',', $header) as $part) {
        $pair = explode('=', trim($part), 2);
        if (count($pair) !== 2) {
            continue;
        }
        if ($pair[0] === 't') {
            $timestamps[] = $pair[1];
        } elseif ($pair[0] === 'v0') {
            $signatures[] = $pair[1];
        }
    }
    if (count($timestamps) !== 1 || !ctype_digit($timestamps[0])) {
        return false;
    }
    $timestamp = $timestamps[0];
    if (abs(time() - (int) $timestamp) > $tolerance) {
        return false; // too old (or from the future): a replayed request
    }
    $expected = hash_hmac('sha256', $timestamp . '.' . $body, $secret);
    foreach ($signatures as $signature) {
        if (hash_equals($expected, $signature)) {
            return true;
        }
    }
    return false;
}

// $ok = verify($secret, $_SERVER['HTTP_SELFCOMMUNITY_SIGNATURE'] ?? '', file_get_contents('php://input'));
