//! Accounts and their tokens, and the password check.
//!
//! Two users exist: `admin` (admin role) and `member`. Static dev tokens never expire; tokens issued by
//! `POST /oauth/token/` do. Issued tokens live in memory for lookups and in the store (hashed) so that a
//! restart keeps them.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, RwLock},
    time::Duration,
};

use rand::RngCore;
use sha2::{Digest, Sha256};
use webhook_api::{ErrorCode, Role, User, validate::messages};

use super::{
    hashing::{self, Checker},
    throttle::{self, Throttle},
};
use crate::{
    Config,
    clock::{self, Micros},
    error::{ApiError, ApiResult, FieldErrors},
    store::{Store, StoredToken},
};

/// Refresh tokens outlive access tokens by far, as OAuth2 servers usually have it.
const REFRESH_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

struct Account {
    user: User,
    password_hash: Arc<str>,
}

#[derive(Clone)]
struct IssuedToken {
    username: String,
    kind: TokenKind,
    expires_at: Micros,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Refresh => "refresh",
        }
    }
}

/// A freshly issued token pair.
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

/// What a password grant came to.
pub enum SignIn {
    Issued(TokenPair),
    /// Unknown username or wrong password.
    Refused,
    /// Too many wrong passwords for this username or from this address: the seconds to wait.
    Throttled(u64),
    /// Every password check is busy: try again shortly.
    Busy,
}

/// Users, tokens, the password checks and the wrong-password throttles.
pub struct Accounts {
    accounts: Vec<Account>,
    admin_token: String,
    member_token: String,
    access_lifetime: Duration,
    issued: RwLock<HashMap<String, IssuedToken>>,
    checker: Checker,
    /// The password routes', per user id.
    throttle: Throttle<u64>,
    /// The password grant's, per user id and per client address.
    sign_in_users: Throttle<u64>,
    sign_in_addresses: Throttle<IpAddr>,
}

impl Accounts {
    /// Hashes the two users' passwords, starts the password checks and loads the issued tokens
    /// still valid.
    pub async fn load(store: &Store, config: &Config) -> anyhow::Result<Self> {
        let admin_password = config.admin_password.clone();
        let (admin_hash, member_hash) = tokio::task::spawn_blocking(move || {
            anyhow::Ok((hashing::hash(&admin_password)?, hashing::hash("member")?))
        })
        .await??;
        let threads = config.password_hash_threads.map_or_else(
            || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            usize::from,
        );
        let accounts = vec![
            Account {
                user: User {
                    id: 1,
                    username: "admin".to_owned(),
                    email: "admin@example.org".to_owned(),
                    role: Role::Admin,
                },
                password_hash: admin_hash.into(),
            },
            Account {
                user: User {
                    id: 2,
                    username: "member".to_owned(),
                    email: "member@example.org".to_owned(),
                    role: Role::Member,
                },
                password_hash: member_hash.into(),
            },
        ];
        let issued = store
            .live_tokens(clock::now())
            .await?
            .into_iter()
            .map(|token| {
                let kind = if token.kind == "refresh" {
                    TokenKind::Refresh
                } else {
                    TokenKind::Access
                };
                (
                    token.token_hash,
                    IssuedToken {
                        username: token.username,
                        kind,
                        expires_at: token.expires_at,
                    },
                )
            })
            .collect();
        let (limit, window) = throttle::PASSWORD_ROUTES;
        Ok(Self {
            accounts,
            admin_token: config.admin_token.clone(),
            member_token: config.member_token.clone(),
            access_lifetime: config.access_token_lifetime,
            issued: RwLock::new(issued),
            checker: Checker::new(threads, config.password_hash_queue)?,
            throttle: Throttle::new(limit, window),
            sign_in_users: Throttle::new(
                throttle::SIGN_IN_PER_USER,
                config.sign_in_throttle_window,
            ),
            sign_in_addresses: Throttle::new(
                throttle::SIGN_IN_PER_ADDRESS,
                config.sign_in_throttle_window,
            ),
        })
    }

    fn account(&self, username: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.user.username == username)
    }

    fn account_by_id(&self, id: u64) -> Option<&Account> {
        self.accounts.iter().find(|a| a.user.id == id)
    }

    /// The user an `Authorization` header value authenticates, or why not.
    pub fn authenticate(&self, authorization: Option<&[u8]>) -> ApiResult<User> {
        let Some(value) = authorization else {
            return Err(ApiError::NotAuthenticated);
        };
        let value = std::str::from_utf8(value)
            .map_err(|_| ApiError::AuthenticationFailed("Invalid token header."))?;
        let mut parts = value.split_whitespace();
        match parts.next() {
            Some(scheme) if scheme.eq_ignore_ascii_case("bearer") => {}
            // Another scheme (Basic, ...) carries no bearer credentials, as DRF sees it.
            _ => return Err(ApiError::NotAuthenticated),
        }
        let token = match (parts.next(), parts.next()) {
            (Some(token), None) => token,
            (None, _) => {
                return Err(ApiError::AuthenticationFailed(
                    "Invalid token header. No credentials provided.",
                ));
            }
            (Some(_), Some(_)) => {
                return Err(ApiError::AuthenticationFailed(
                    "Invalid token header. Token string should not contain spaces.",
                ));
            }
        };
        let username = if constant_time_eq(token, &self.admin_token) {
            "admin".to_owned()
        } else if constant_time_eq(token, &self.member_token) {
            "member".to_owned()
        } else {
            let issued = self.issued.read().expect("tokens lock");
            match issued.get(&token_hash(token)) {
                Some(found) if found.kind == TokenKind::Access => {
                    if found.expires_at <= clock::now() {
                        return Err(ApiError::AuthenticationFailed("Token has expired."));
                    }
                    found.username.clone()
                }
                _ => return Err(ApiError::AuthenticationFailed("Invalid token.")),
            }
        };
        self.account(&username)
            .map(|account| account.user.clone())
            .ok_or(ApiError::AuthenticationFailed("Invalid token."))
    }

    /// The password grant: a token pair if the credentials are right. Throttled per username and per
    /// client address (`address`, when known) before the password is checked, even a right one:
    /// otherwise a guesser would learn which guess was right while being refused.
    pub async fn login(
        &self,
        store: &Store,
        username: &str,
        password: &str,
        address: Option<IpAddr>,
    ) -> anyhow::Result<SignIn> {
        let account = self.account(username);
        let by_address = match address
            .map(|address| self.sign_in_addresses.count(throttle::address_key(address)))
        {
            Some(Err(wait)) => return Ok(SignIn::Throttled(wait)),
            Some(Ok(counted)) => Some(counted),
            None => None,
        };
        let by_user = match account.map(|account| self.sign_in_users.count(account.user.id)) {
            Some(Err(wait)) => {
                if let Some(counted) = by_address {
                    self.sign_in_addresses.take_back(counted);
                }
                return Ok(SignIn::Throttled(wait));
            }
            Some(Ok(counted)) => Some(counted),
            None => None,
        };
        let Some(account) = account else {
            return Ok(SignIn::Refused);
        };
        let checked = self
            .checker
            .verify(account.password_hash.clone(), password)
            .await;
        if !matches!(checked, Ok(Ok(false))) {
            if let Some(counted) = by_address {
                self.sign_in_addresses.take_back(counted);
            }
            if let Some(counted) = by_user {
                self.sign_in_users.take_back(counted);
            }
        }
        match checked {
            Err(hashing::Busy) => Ok(SignIn::Busy),
            Ok(right) => {
                if right? {
                    self.issue(store, username).await.map(SignIn::Issued)
                } else {
                    Ok(SignIn::Refused)
                }
            }
        }
    }

    /// The refresh grant: a new pair for a live refresh token, which is used up.
    pub async fn refresh(
        &self,
        store: &Store,
        refresh_token: &str,
    ) -> anyhow::Result<Option<TokenPair>> {
        let hash = token_hash(refresh_token);
        let username = {
            let mut issued = self.issued.write().expect("tokens lock");
            match issued.get(&hash) {
                Some(found)
                    if found.kind == TokenKind::Refresh && found.expires_at > clock::now() =>
                {
                    let username = found.username.clone();
                    issued.remove(&hash);
                    username
                }
                _ => return Ok(None),
            }
        };
        store.delete_token(hash).await?;
        self.issue(store, &username).await.map(Some)
    }

    async fn issue(&self, store: &Store, username: &str) -> anyhow::Result<TokenPair> {
        let now = clock::now();
        let access_token = random_token();
        let refresh_token = random_token();
        let tokens = [
            (
                &access_token,
                TokenKind::Access,
                now + clock::micros(self.access_lifetime),
            ),
            (
                &refresh_token,
                TokenKind::Refresh,
                now + clock::micros(REFRESH_LIFETIME),
            ),
        ];
        let stored = tokens
            .iter()
            .map(|(token, kind, expires_at)| StoredToken {
                token_hash: token_hash(token),
                username: username.to_owned(),
                kind: kind.as_str().to_owned(),
                expires_at: *expires_at,
            })
            .collect();
        store.save_tokens(stored).await?;
        let mut issued = self.issued.write().expect("tokens lock");
        for (token, kind, expires_at) in tokens {
            issued.insert(
                token_hash(token),
                IssuedToken {
                    username: username.to_owned(),
                    kind,
                    expires_at,
                },
            );
        }
        Ok(TokenPair {
            access_token,
            refresh_token,
            expires_in: self.access_lifetime.as_secs(),
        })
    }

    /// Ends a password-protected route's checks in the contract's order: every field error (a missing
    /// `password` among them) first, then the throttle, then the password itself.
    pub async fn confirm_fields_and_password(
        &self,
        user: &User,
        body: &serde_json::Map<String, serde_json::Value>,
        mut errors: FieldErrors,
    ) -> ApiResult<()> {
        let password = crate::fields::password(body, &mut errors);
        errors.into_result()?;
        self.confirm_password(user, &password.unwrap_or_default())
            .await
    }

    /// The last check of reveal, expire and resend: 429 while the user is throttled, then 400 for a
    /// wrong password (which counts towards the throttle).
    async fn confirm_password(&self, user: &User, password: &str) -> ApiResult<()> {
        let account = self
            .account_by_id(user.id)
            .ok_or(ApiError::AuthenticationFailed("Invalid token."))?;
        let counted = self
            .throttle
            .count(user.id)
            .map_err(|retry_after_seconds| ApiError::Throttled {
                retry_after_seconds,
            })?;
        let checked = self
            .checker
            .verify(account.password_hash.clone(), password)
            .await;
        if !matches!(checked, Ok(Ok(false))) {
            self.throttle.take_back(counted);
        }
        let right = checked.map_err(|hashing::Busy| ApiError::Busy {
            retry_after_seconds: hashing::RETRY_AFTER_SECONDS,
        })?;
        if right? {
            return Ok(());
        }
        Err(ApiError::field(
            "password",
            ErrorCode::Invalid,
            messages::INVALID_PASSWORD,
        ))
    }

    /// Forgets every wrong password (`POST /__mock/reset/`).
    pub fn clear_throttle(&self) {
        self.throttle.clear();
        self.sign_in_users.clear();
        self.sign_in_addresses.clear();
    }
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn random_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}
