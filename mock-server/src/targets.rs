//! Which addresses a delivery may reach. With `--block-private-targets` a target on a non-public address
//! (loopback, private, link-local, CGNAT, documentation, multicast, ... see [`NonPublic`]) is refused:
//! when an endpoint is written (an address in the URL, a name reserved for loopback, or a name that
//! resolves to such an address then) and again at every delivery try.
//!
//! At delivery time the check sits inside the HTTP client's name resolution ([`Resolver`] is the
//! client's DNS resolver): every address a name resolves to is checked, and the client connects only to
//! the addresses it was handed, so a name cannot answer the check with one address and the connection
//! with another (DNS rebinding). Addresses written in the URL never reach a resolver, so the sender
//! checks them itself with [`refuse_without_lookup`].

use std::{
    collections::HashMap,
    fmt,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    str::FromStr,
    sync::Arc,
    time::Duration,
};

use reqwest::{
    Url,
    dns::{Addrs, Name, Resolve, Resolving},
};

/// Why an address is not a public internet address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonPublic {
    Unspecified,
    /// 0.0.0.0/8 other than 0.0.0.0 itself.
    ThisNetwork,
    Loopback,
    /// RFC 1918 (10/8, 172.16/12, 192.168/16), and IPv6's local-use NAT64 prefix.
    Private,
    /// IPv6 unique local addresses, fc00::/7.
    UniqueLocal,
    /// 100.64.0.0/10, carrier-grade NAT.
    SharedCgnat,
    LinkLocal,
    /// fec0::/10, deprecated.
    SiteLocal,
    /// 192.0.0.0/24 and 2001::/23 (Teredo and the rest of the IETF's block).
    ProtocolAssignment,
    Documentation,
    Benchmarking,
    /// 192.88.99.0/24, the deprecated 6to4 relay anycast.
    Relay,
    Multicast,
    Broadcast,
    /// 100::/64.
    DiscardOnly,
    /// 240.0.0.0/4, ::/96 (deprecated IPv4-compatible), and IPv6 outside 2000::/3 with no other name.
    Reserved,
}

impl NonPublic {
    /// The kind of address, as a message names it: "a loopback address".
    pub fn describe(self) -> &'static str {
        match self {
            Self::Unspecified => "the unspecified address",
            Self::ThisNetwork => "an address of \"this network\" (0.0.0.0/8)",
            Self::Loopback => "a loopback address",
            Self::Private => "a private address",
            Self::UniqueLocal => "a unique local address (fc00::/7)",
            Self::SharedCgnat => "a shared address (carrier-grade NAT, 100.64.0.0/10)",
            Self::LinkLocal => "a link-local address",
            Self::SiteLocal => "a site-local address",
            Self::ProtocolAssignment => "an address reserved for IETF protocols",
            Self::Documentation => "a documentation address",
            Self::Benchmarking => "a benchmarking address",
            Self::Relay => "a 6to4 relay address",
            Self::Multicast => "a multicast address",
            Self::Broadcast => "the broadcast address",
            Self::DiscardOnly => "a discard-only address",
            Self::Reserved => "a reserved address",
        }
    }
}

/// Why `ip` is not a public internet address, or `None` when it is one. IPv6 forms that carry an IPv4
/// address (mapped, translated, NAT64, 6to4) are judged by that IPv4 address.
pub fn non_public(ip: IpAddr) -> Option<NonPublic> {
    match ip {
        IpAddr::V4(ip) => non_public_v4(ip),
        IpAddr::V6(ip) => non_public_v6(ip),
    }
}

/// IANA's IPv4 special-purpose registry, most specific first.
const V4_RANGES: &[([u8; 4], u8, NonPublic)] = &[
    ([0, 0, 0, 0], 32, NonPublic::Unspecified),
    ([255, 255, 255, 255], 32, NonPublic::Broadcast),
    ([0, 0, 0, 0], 8, NonPublic::ThisNetwork),
    ([10, 0, 0, 0], 8, NonPublic::Private),
    ([100, 64, 0, 0], 10, NonPublic::SharedCgnat),
    ([127, 0, 0, 0], 8, NonPublic::Loopback),
    ([169, 254, 0, 0], 16, NonPublic::LinkLocal),
    ([172, 16, 0, 0], 12, NonPublic::Private),
    ([192, 0, 0, 0], 24, NonPublic::ProtocolAssignment),
    ([192, 0, 2, 0], 24, NonPublic::Documentation),
    ([192, 88, 99, 0], 24, NonPublic::Relay),
    ([192, 168, 0, 0], 16, NonPublic::Private),
    ([198, 18, 0, 0], 15, NonPublic::Benchmarking),
    ([198, 51, 100, 0], 24, NonPublic::Documentation),
    ([203, 0, 113, 0], 24, NonPublic::Documentation),
    ([224, 0, 0, 0], 4, NonPublic::Multicast),
    ([240, 0, 0, 0], 4, NonPublic::Reserved),
];

fn non_public_v4(ip: Ipv4Addr) -> Option<NonPublic> {
    let address = u32::from(ip);
    V4_RANGES.iter().find_map(|&(network, bits, kind)| {
        let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
        (address & mask == u32::from(Ipv4Addr::from(network)) & mask).then_some(kind)
    })
}

/// IANA's IPv6 special-purpose registry, most specific first; those carrying IPv4 come before.
const V6_RANGES: &[(u128, u8, NonPublic)] = &[
    (0, 128, NonPublic::Unspecified),
    (1, 128, NonPublic::Loopback),
    (0x0064_ff9b_0001 << 80, 48, NonPublic::Private),
    (0, 96, NonPublic::Reserved),
    (0x0100 << 112, 64, NonPublic::DiscardOnly),
    (0x2001_0002 << 96, 48, NonPublic::Benchmarking),
    (0x2001 << 112, 23, NonPublic::ProtocolAssignment),
    (0x2001_0db8 << 96, 32, NonPublic::Documentation),
    (0x3fff << 112, 20, NonPublic::Documentation),
    (0xfc00 << 112, 7, NonPublic::UniqueLocal),
    (0xfe80 << 112, 10, NonPublic::LinkLocal),
    (0xfec0 << 112, 10, NonPublic::SiteLocal),
    (0xff00 << 112, 8, NonPublic::Multicast),
];

fn non_public_v6(ip: Ipv6Addr) -> Option<NonPublic> {
    if let Some(carried) = carried_ipv4(ip) {
        return non_public_v4(carried);
    }
    let address = u128::from(ip);
    let in_range = |network: u128, bits: u8| {
        let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
        address & mask == network & mask
    };
    if let Some(&(_, _, kind)) = V6_RANGES
        .iter()
        .find(|&&(network, bits, _)| in_range(network, bits))
    {
        return Some(kind);
    }
    // Only 2000::/3 is allocated for global unicast; the rest is reserved.
    (!in_range(0x2000 << 112, 3)).then_some(NonPublic::Reserved)
}

/// The IPv4 address an IPv6 address stands for: IPv4-mapped (::ffff:0:0/96), IPv4-translated
/// (::ffff:0:0:0/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
fn carried_ipv4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let address = u128::from(ip);
    let low32 = Ipv4Addr::from((address & 0xffff_ffff) as u32);
    match address >> 32 {
        0xffff | 0xffff_0000 | 0x0064_ff9b_0000_0000_0000_0000 => Some(low32),
        _ if address >> 112 == 0x2002 => Some(Ipv4Addr::from((address >> 80) as u32)),
        _ => None,
    }
}

/// Why a target is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The name in the URL, when the address came from resolving it.
    pub name: Option<String>,
    pub address: Option<IpAddr>,
    pub kind: NonPublic,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind.describe();
        match (&self.name, self.address) {
            (Some(name), Some(address)) => write!(f, "{name} resolves to {address}, {kind}"),
            (Some(name), None) => write!(f, "{name} is a name for {kind}"),
            (None, Some(address)) => write!(f, "{address} is {kind}"),
            (None, None) => f.write_str(kind),
        }
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    /// The validation message for `target`.
    pub fn message(&self) -> String {
        format!("Targets on non-public addresses are refused: {self}.")
    }
}

/// The host of `target` as the HTTP client reads it (WHATWG URL rules: `http://2130706433/` and
/// `http://0x7f.1/` are 127.0.0.1), checked without asking any resolver: an address is judged, a name
/// reserved for loopback (`localhost`, `*.localhost`) is refused, any other name passes. `None` also
/// for a target the URL parser rejects: the client cannot send to it at all.
pub fn refuse_without_lookup(target: &str) -> Option<Refusal> {
    let url = Url::parse(target).ok()?;
    match url.host()? {
        url::Host::Ipv4(ip) => refuse_address(None, IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => refuse_address(None, IpAddr::V6(ip)),
        url::Host::Domain(name) => is_loopback_name(name).then(|| Refusal {
            name: Some(name.to_owned()),
            address: None,
            kind: NonPublic::Loopback,
        }),
    }
}

/// RFC 6761: `localhost` and every name under it resolve to loopback.
fn is_loopback_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

fn refuse_address(name: Option<&str>, address: IpAddr) -> Option<Refusal> {
    non_public(address).map(|kind| Refusal {
        name: name.map(str::to_owned),
        address: Some(address),
        kind,
    })
}

/// The first of `addresses` that is not public, as a refusal for `name`.
fn refuse_any(name: &str, addresses: &[IpAddr]) -> Option<Refusal> {
    addresses
        .iter()
        .find_map(|&address| refuse_address(Some(name), address))
}

/// A host name fixed to an address instead of asked of the system (`--resolve HOST=IP`, like curl's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostOverride {
    pub host: String,
    pub address: IpAddr,
}

impl FromStr for HostOverride {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (host, address) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` is not HOST=IP"))?;
        let address = address
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| format!("`{address}` is not an IP address"))?;
        let host = normalize_name(host);
        if host.is_empty() {
            return Err(format!("`{text}` names no host"));
        }
        Ok(Self { host, address })
    }
}

fn normalize_name(name: &str) -> String {
    let name = name.trim();
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// How long a name may take to resolve when an endpoint is written.
const WRITE_LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);

/// Name resolution for deliveries: `--resolve` overrides first, then the system's resolver; with
/// `--block-private-targets`, a name with any non-public address resolves to an error instead.
#[derive(Clone, Debug)]
pub struct Resolver {
    overrides: Arc<HashMap<String, Vec<IpAddr>>>,
    block_private: bool,
}

impl Resolver {
    pub fn new(overrides: &[HostOverride], block_private: bool) -> Self {
        let mut map: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for entry in overrides {
            let addresses = map.entry(entry.host.clone()).or_default();
            if !addresses.contains(&entry.address) {
                addresses.push(entry.address);
            }
        }
        Self {
            overrides: Arc::new(map),
            block_private,
        }
    }

    /// Whether non-public targets are refused (`--block-private-targets`).
    pub fn blocks_private(&self) -> bool {
        self.block_private
    }

    /// Every address `name` resolves to.
    async fn lookup(&self, name: &str) -> std::io::Result<Vec<IpAddr>> {
        if let Some(addresses) = self.overrides.get(&normalize_name(name)) {
            return Ok(addresses.clone());
        }
        let mut addresses: Vec<IpAddr> = Vec::new();
        for socket in tokio::net::lookup_host((name, 0)).await? {
            if !addresses.contains(&socket.ip()) {
                addresses.push(socket.ip());
            }
        }
        Ok(addresses)
    }

    /// The refusal of a target, for writing an endpoint: [`refuse_without_lookup`], then, for a name,
    /// every address it resolves to now. A name that does not resolve (yet) passes: each delivery
    /// checks again.
    pub async fn refuse_at_write(&self, target: &str) -> Option<Refusal> {
        if !self.block_private {
            return None;
        }
        if let Some(refusal) = refuse_without_lookup(target) {
            return Some(refusal);
        }
        let url = Url::parse(target).ok()?;
        let Some(url::Host::Domain(name)) = url.host() else {
            return None;
        };
        let addresses = tokio::time::timeout(WRITE_LOOKUP_TIMEOUT, self.lookup(name))
            .await
            .ok()?
            .ok()?;
        refuse_any(name, &addresses)
    }
}

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = self.clone();
        Box::pin(async move {
            let name = name.as_str();
            let addresses = resolver.lookup(name).await?;
            if resolver.block_private
                && let Some(refusal) = refuse_any(name, &addresses)
            {
                tracing::warn!(%refusal, "delivery refused: the target is not a public address");
                return Err(Box::new(refusal) as Box<dyn std::error::Error + Send + Sync>);
            }
            // Port 0: the client puts the URL's port (or the scheme's) in.
            let sockets: Addrs = Box::new(
                addresses
                    .into_iter()
                    .map(|address| SocketAddr::new(address, 0)),
            );
            Ok(sockets)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<NonPublic> {
        non_public(text.parse().unwrap())
    }

    /// Each range's first and last address, and the public neighbours just outside it.
    #[test]
    fn every_ipv4_special_range_is_classified_at_its_edges() {
        use NonPublic::*;
        let cases: &[(&str, &str, NonPublic)] = &[
            ("0.0.0.0", "0.0.0.0", Unspecified),
            ("0.0.0.1", "0.255.255.255", ThisNetwork),
            ("10.0.0.0", "10.255.255.255", Private),
            ("100.64.0.0", "100.127.255.255", SharedCgnat),
            ("127.0.0.0", "127.255.255.255", Loopback),
            ("169.254.0.0", "169.254.255.255", LinkLocal),
            ("172.16.0.0", "172.31.255.255", Private),
            ("192.0.0.0", "192.0.0.255", ProtocolAssignment),
            ("192.0.2.0", "192.0.2.255", Documentation),
            ("192.88.99.0", "192.88.99.255", Relay),
            ("192.168.0.0", "192.168.255.255", Private),
            ("198.18.0.0", "198.19.255.255", Benchmarking),
            ("198.51.100.0", "198.51.100.255", Documentation),
            ("203.0.113.0", "203.0.113.255", Documentation),
            ("224.0.0.0", "239.255.255.255", Multicast),
            ("240.0.0.0", "255.255.255.254", Reserved),
            ("255.255.255.255", "255.255.255.255", Broadcast),
        ];
        for &(first, last, expected) in cases {
            assert_eq!(kind(first), Some(expected), "{first}");
            assert_eq!(kind(last), Some(expected), "{last}");
        }
        for public in [
            "1.1.1.1",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.0",
            "192.0.3.0",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
        ] {
            assert_eq!(kind(public), None, "{public}");
        }
    }

    #[test]
    fn every_ipv6_special_range_is_classified() {
        use NonPublic::*;
        let cases: &[(&str, NonPublic)] = &[
            ("::", Unspecified),
            ("::1", Loopback),
            ("::2", Reserved),
            ("::8.8.8.8", Reserved),
            ("64:ff9b:1::1", Private),
            ("100::1", DiscardOnly),
            ("2001::1", ProtocolAssignment),
            ("2001:1ff:ffff::1", ProtocolAssignment),
            ("2001:2::1", Benchmarking),
            ("2001:db8::1", Documentation),
            ("2001:db8:ffff::", Documentation),
            ("3fff::1", Documentation),
            ("3fff:fff::1", Documentation),
            ("fc00::1", UniqueLocal),
            ("fdff:ffff::1", UniqueLocal),
            ("fe80::1", LinkLocal),
            ("febf::1", LinkLocal),
            ("fec0::1", SiteLocal),
            ("ff02::1", Multicast),
            ("ff0e::1", Multicast),
            ("4000::1", Reserved),
            ("1000::1", Reserved),
            ("5f00::1", Reserved),
        ];
        for &(address, expected) in cases {
            assert_eq!(kind(address), Some(expected), "{address}");
        }
        for public in [
            "2606:4700:4700::1111",
            "2a00:1450:4001::200e",
            "2001:200::1",
            "2001:db7:ffff::1",
            "3fff:1000::1",
        ] {
            assert_eq!(kind(public), None, "{public}");
        }
    }

    #[test]
    fn ipv6_forms_of_ipv4_are_judged_by_their_ipv4_address() {
        for (address, expected) in [
            ("::ffff:127.0.0.1", Some(NonPublic::Loopback)),
            ("::ffff:10.1.2.3", Some(NonPublic::Private)),
            ("::ffff:0:169.254.1.1", Some(NonPublic::LinkLocal)),
            ("64:ff9b::192.168.1.1", Some(NonPublic::Private)),
            ("64:ff9b::100.64.0.1", Some(NonPublic::SharedCgnat)),
            ("2002:7f00:1::1", Some(NonPublic::Loopback)),
            ("2002:a00:1::", Some(NonPublic::Private)),
            ("::ffff:8.8.8.8", None),
            ("64:ff9b::8.8.8.8", None),
            ("2002:808:808::1", None),
        ] {
            assert_eq!(kind(address), expected, "{address}");
        }
    }

    #[test]
    fn hosts_are_read_as_the_http_client_reads_them() {
        for target in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://127.1:8080/",
            "http://0177.0.0.1/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[0:0:0:0:0:ffff:7f00:1]/",
        ] {
            assert_eq!(
                refuse_without_lookup(target).map(|r| r.kind),
                Some(NonPublic::Loopback),
                "{target}"
            );
        }
        assert_eq!(
            refuse_without_lookup("http://0/").map(|r| r.kind),
            Some(NonPublic::Unspecified)
        );
        assert_eq!(refuse_without_lookup("https://93.184.216.34/hook"), None);
    }

    #[test]
    fn localhost_and_names_under_it_are_loopback_names() {
        for target in [
            "http://localhost/",
            "http://LOCALHOST:8000/",
            "http://localhost./",
            "http://api.localhost/",
        ] {
            let refusal = refuse_without_lookup(target).expect(target);
            assert_eq!(refusal.kind, NonPublic::Loopback);
            assert!(refusal.address.is_none());
        }
        assert_eq!(refuse_without_lookup("http://localhost.example.com/"), None);
        assert_eq!(refuse_without_lookup("http://notlocalhost/"), None);
    }

    #[test]
    fn refusal_messages_name_the_host_and_the_kind_of_address() {
        assert_eq!(
            refuse_without_lookup("http://10.0.0.1/").unwrap().message(),
            "Targets on non-public addresses are refused: 10.0.0.1 is a private address."
        );
        let resolved = refuse_any("intranet.test", &["10.0.0.5".parse().unwrap()]).unwrap();
        assert_eq!(
            resolved.to_string(),
            "intranet.test resolves to 10.0.0.5, a private address"
        );
    }

    #[test]
    fn one_non_public_address_among_public_ones_refuses_the_name() {
        let addresses: Vec<IpAddr> = vec!["93.184.216.34".parse().unwrap(), "::1".parse().unwrap()];
        assert_eq!(
            refuse_any("mixed.test", &addresses).map(|r| r.kind),
            Some(NonPublic::Loopback)
        );
        assert_eq!(refuse_any("public.test", &addresses[..1]), None);
    }

    #[test]
    fn host_overrides_parse_like_curls_resolve() {
        assert_eq!(
            "Hooks.Example.TEST.=10.0.0.1".parse::<HostOverride>(),
            Ok(HostOverride {
                host: "hooks.example.test".to_owned(),
                address: "10.0.0.1".parse().unwrap()
            })
        );
        assert_eq!(
            "v6.test=[::1]".parse::<HostOverride>().unwrap().address,
            "::1".parse::<IpAddr>().unwrap()
        );
        assert!("nohost".parse::<HostOverride>().is_err());
        assert!("a.test=not-an-ip".parse::<HostOverride>().is_err());
        assert!("=1.2.3.4".parse::<HostOverride>().is_err());
    }

    async fn resolved(resolver: &Resolver, name: &str) -> Result<Vec<SocketAddr>, String> {
        match resolver.resolve(name.parse().unwrap()).await {
            Ok(addresses) => Ok(addresses.collect()),
            Err(error) => Err(error.to_string()),
        }
    }

    #[tokio::test]
    async fn the_resolver_hands_the_client_exactly_the_checked_addresses() {
        let overrides: Vec<HostOverride> =
            ["public.test=93.184.216.34", "public.test=2606:4700::1"]
                .iter()
                .map(|text| text.parse().unwrap())
                .collect();
        let resolver = Resolver::new(&overrides, true);
        assert_eq!(
            resolved(&resolver, "public.test").await,
            Ok(vec![
                "93.184.216.34:0".parse().unwrap(),
                "[2606:4700::1]:0".parse().unwrap()
            ])
        );
    }

    #[tokio::test]
    async fn the_resolver_refuses_a_name_with_any_non_public_address() {
        let overrides: Vec<HostOverride> = ["mixed.test=93.184.216.34", "mixed.test=192.168.1.1"]
            .iter()
            .map(|text| text.parse().unwrap())
            .collect();
        assert_eq!(
            resolved(&Resolver::new(&overrides, true), "mixed.test").await,
            Err("mixed.test resolves to 192.168.1.1, a private address".to_owned())
        );
        assert_eq!(
            resolved(&Resolver::new(&overrides, false), "mixed.test")
                .await
                .map(|addresses| addresses.len()),
            Ok(2)
        );
    }

    #[tokio::test]
    async fn the_system_resolver_answer_for_localhost_is_refused() {
        let resolver = Resolver::new(&[], true);
        let refused = resolved(&resolver, "localhost").await.unwrap_err();
        assert!(refused.starts_with("localhost resolves to "), "{refused}");
    }
}
