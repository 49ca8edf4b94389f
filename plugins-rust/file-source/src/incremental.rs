//! What an extraction reads and remembers under each incremental strategy: which files
//! (file_mtime skips the unchanged ones), the rows past the cursor, and the checkpoint
//! each emitted batch carries.

use std::collections::BTreeMap;

use arrow_array::RecordBatch;
use serde_json::Value;

use crate::checkpoint::{self, Checkpoint};
use crate::config::Strategy;
use crate::cursor::Cursor;
use crate::error::Result;
use crate::{files, ipc};

pub enum Mode {
    Full,
    /// file_mtime: the files read completely so far (path -> mtime ns).
    Files(BTreeMap<String, u128>),
    Cursor(Cursor),
}

pub struct FileTask {
    pub path: String,
    pub mtime_ns: u128,
}

/// The files to read, in order, and the mode. `cursor` makes the cursor from the
/// checkpoint's value (strategy cursor only).
pub fn plan(
    paths: Vec<String>,
    strategy: Option<Strategy>,
    previous: Checkpoint,
    cursor: impl FnOnce(Option<&Value>) -> Result<Cursor>,
) -> Result<(Vec<FileTask>, Mode)> {
    let mut tasks = Vec::with_capacity(paths.len());
    for path in paths {
        let mtime_ns = if strategy == Some(Strategy::FileMtime) { files::mtime_ns(&path)? } else { 0 };
        tasks.push(FileTask { path, mtime_ns });
    }
    let mode = match strategy {
        None => Mode::Full,
        Some(Strategy::FileMtime) => {
            let seen = match previous {
                Checkpoint::Files(seen) => seen,
                _ => BTreeMap::new(),
            };
            // Files read before with the same (or a later) mtime are skipped; files no
            // longer matched are forgotten, so the checkpoint does not grow forever.
            let mut kept = BTreeMap::new();
            tasks.retain(|t| match seen.get(&t.path) {
                Some(&ns) if t.mtime_ns <= ns => {
                    kept.insert(t.path.clone(), ns);
                    false
                }
                _ => true,
            });
            Mode::Files(kept)
        }
        Some(Strategy::Cursor) => {
            let start = match &previous {
                Checkpoint::Cursor(v) => Some(v),
                _ => None,
            };
            Mode::Cursor(cursor(start)?)
        }
    };
    Ok((tasks, mode))
}

impl Mode {
    /// The batch's rows past the cursor (all of them in the other modes).
    pub fn filter(&self, batch: RecordBatch) -> Result<RecordBatch> {
        Ok(match self {
            Mode::Cursor(cursor) => {
                let rows = batch.num_rows();
                let filtered = cursor.filter(batch)?;
                // Rows left out: the batch's rows are no longer the file's consecutive lines.
                if filtered.num_rows() == rows { filtered } else { ipc::without_first_line(filtered) }
            }
            _ => batch,
        })
    }

    /// The checkpoint an emitted piece carries (cursor: the largest value so far).
    pub fn after_piece(&mut self, piece: &RecordBatch) -> Option<String> {
        match self {
            Mode::Cursor(cursor) => {
                cursor.observe(piece);
                cursor.max_json().map(|max| checkpoint::cursor_json(&cursor.field, &max))
            }
            _ => None,
        }
    }

    /// The checkpoint once `task` is read completely (file_mtime only).
    pub fn after_file(&mut self, task: FileTask) -> Option<String> {
        match self {
            Mode::Files(seen) => {
                seen.insert(task.path, task.mtime_ns);
                Some(checkpoint::files_json(seen))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_mtime_skips_read_files_and_forgets_gone_ones() {
        let dir = std::env::temp_dir().join(format!("file-source-incremental-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a.csv"), dir.join("b.csv"));
        std::fs::write(&a, "x\n").unwrap();
        std::fs::write(&b, "x\n").unwrap();
        let (a, b) = (a.to_str().unwrap().to_string(), b.to_str().unwrap().to_string());
        let a_ns = files::mtime_ns(&a).unwrap();
        let seen = BTreeMap::from([(a.clone(), a_ns), ("/gone.csv".to_string(), 1)]);
        let no_cursor = |_: Option<&Value>| -> Result<Cursor> { unreachable!() };
        let previous = Checkpoint::Files(seen);
        let (tasks, mut mode) = plan(vec![a.clone(), b.clone()], Some(Strategy::FileMtime), previous, no_cursor).unwrap();
        assert_eq!(tasks.iter().map(|t| t.path.as_str()).collect::<Vec<_>>(), [b.as_str()]);
        let task = tasks.into_iter().next().unwrap();
        let b_ns = task.mtime_ns;
        let state = mode.after_file(task).unwrap();
        assert_eq!(state, checkpoint::files_json(&BTreeMap::from([(a, a_ns), (b, b_ns)])));
        let (tasks, mut mode) = plan(vec!["/nope".into()], None, Checkpoint::None, no_cursor).unwrap();
        assert_eq!((tasks[0].mtime_ns, mode.after_file(FileTask { path: "/x".into(), mtime_ns: 1 })), (0, None));
    }
}
