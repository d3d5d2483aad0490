//! Embeds lessons/, quizzes/ and examples/python/ in the binary so the
//! tutorial works from any directory after `cargo install --path .`.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").unwrap();
    let mut out = String::new();
    // FNV-1a over the files' names and bytes.
    let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            digest ^= u64::from(*b);
            digest = digest.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (name, dir, ext) in [
        ("LESSONS", "lessons", "toml"),
        ("QUIZZES", "quizzes", "toml"),
        ("EXAMPLES", "examples/python", "py"),
        ("CHALLENGES", "challenges", "toml"),
    ] {
        let path = Path::new(&root).join(dir);
        println!("cargo:rerun-if-changed={}", path.display());
        let mut files: Vec<_> = fs::read_dir(&path)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == ext))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        writeln!(out, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
        for f in files {
            println!("cargo:rerun-if-changed={}", f.display());
            let rel = format!("{dir}/{}", f.file_name().unwrap().to_string_lossy());
            feed(rel.as_bytes());
            feed(&fs::read(&f).unwrap_or_default());
            writeln!(
                out,
                "    ({rel:?}, include_bytes!({:?})),",
                f.display().to_string()
            )
            .unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    // A short digest of every embedded file: the content's version.
    println!(
        "cargo:rustc-env=THREADTUTOR_CONTENT_VERSION={:016x}",
        digest
    );
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded.rs");
    fs::write(dest, out).unwrap();
}
