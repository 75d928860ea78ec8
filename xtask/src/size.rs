//! The size of the release `dist/`: the .wasm, the JS glue and the CSS, raw, gzip -9 and brotli -q 11,
//! and the budget the test command gates on.

use std::{io::Write, path::Path};

use crate::Result;

/// The most the three assets may weigh together, brotli-compressed (issue 7).
pub const BROTLI_BUDGET: u64 = 250_000;

pub struct AssetSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// Every .wasm, .js and .css file in `dist`, sorted by name.
pub fn measure(dist: &Path) -> Result<Vec<AssetSize>> {
    let entries =
        std::fs::read_dir(dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))?;
    let mut sizes = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let is_asset = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "wasm" | "js" | "css"));
        if !is_asset {
            continue;
        }
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        sizes.push(AssetSize {
            name: path
                .file_name()
                .expect("a file")
                .to_string_lossy()
                .into_owned(),
            raw: bytes.len() as u64,
            gzip: gzip(&bytes),
            brotli: brotli(&bytes),
        });
    }
    sizes.sort_by(|a, b| a.name.cmp(&b.name));
    if sizes.is_empty() {
        return Err(format!("{} holds no .wasm, .js or .css", dist.display()));
    }
    Ok(sizes)
}

/// A table of the sizes with a total line.
pub fn report(sizes: &[AssetSize]) -> String {
    let mut out = format!(
        "{:<40} {:>10} {:>10} {:>10}\n",
        "asset", "raw", "gzip -9", "brotli 11"
    );
    for size in sizes {
        out.push_str(&format!(
            "{:<40} {:>10} {:>10} {:>10}\n",
            size.name, size.raw, size.gzip, size.brotli
        ));
    }
    out.push_str(&format!(
        "{:<40} {:>10} {:>10} {:>10}\n",
        "total",
        sizes.iter().map(|s| s.raw).sum::<u64>(),
        sizes.iter().map(|s| s.gzip).sum::<u64>(),
        sizes.iter().map(|s| s.brotli).sum::<u64>(),
    ));
    out
}

/// Fails when the brotli total is over [`BROTLI_BUDGET`].
pub fn check_budget(dist: &Path) -> Result {
    let sizes = measure(dist)?;
    print!("{}", report(&sizes));
    let total: u64 = sizes.iter().map(|s| s.brotli).sum();
    if total > BROTLI_BUDGET {
        Err(format!(
            "the app weighs {total} bytes brotli-compressed, over the budget of {BROTLI_BUDGET}"
        ))
    } else {
        println!("within the budget: {total} of {BROTLI_BUDGET} bytes brotli");
        Ok(())
    }
}

fn gzip(bytes: &[u8]) -> u64 {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory").len() as u64
}

fn brotli(bytes: &[u8]) -> u64 {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("compressing in memory");
    out.len() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_sizes_are_smaller_for_repetitive_input() {
        let text = "webhook ".repeat(1000);
        assert!(brotli(text.as_bytes()) < 100);
        assert!(gzip(text.as_bytes()) < 200);
    }

    #[test]
    fn the_budget_fails_an_oversized_dist() {
        let dir = std::env::temp_dir().join(format!("xtask-size-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Random-looking bytes do not compress: 300 kB of them is over the budget.
        let mut state = 0x2545_f491_u32;
        let noise: Vec<u8> = (0..300_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        std::fs::write(dir.join("app_bg.wasm"), &noise).unwrap();
        std::fs::write(dir.join("index.html"), "ignored").unwrap();
        let sizes = measure(&dir).unwrap();
        assert_eq!(sizes.len(), 1);
        assert!(check_budget(&dir).is_err());
        std::fs::write(dir.join("app_bg.wasm"), &noise[..1000]).unwrap();
        assert!(check_budget(&dir).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
