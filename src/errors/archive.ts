import type { ErrorSpec } from '../errors.js';

// Codes of the archive area. Add new codes here; tests assert codes, not wording.
// Writing (mlserve archive) fails with usage (2) or io (4) codes; reading a bad or hostile archive
// fails with input (3) codes, one per kind of refusal, so a caller can tell a zip slip from a bomb.
export const archiveErrors = {
  // --- writing -------------------------------------------------------------------------------
  MLS_ERR_ARCHIVE_BAD_NAME: {
    exit: 2,
    http: 400,
    hint: 'Model names match ^[A-Za-z0-9][A-Za-z0-9_\\-.]*$ (as torch-model-archiver requires): start with a letter or digit, then letters, digits, _, - or .',
  },
  MLS_ERR_ARCHIVE_FORMAT_UNKNOWN: {
    exit: 2,
    hint: 'Use --archive-format default, zip-store, tgz or no-archive.',
  },
  MLS_ERR_ARCHIVE_RUNTIME: {
    exit: 2,
    http: 400,
    hint: 'Use --runtime python (or python3) with a Python or built-in handler, and mlserve-js with a JavaScript handler; leave it out to get the right one.',
  },
  MLS_ERR_ARCHIVE_INCOMPATIBLE: {
    exit: 2,
    hint: "TorchServe's built-in handlers load an .onnx serialized file only when no --model-file is given; drop --model-file or use a custom handler.",
  },
  MLS_ERR_ARCHIVE_INPUT_NOT_FOUND: {
    exit: 4,
    hint: 'Check the path given to the flag named; relative paths are taken from the current folder.',
  },
  MLS_ERR_ARCHIVE_EXPORT_PATH: {
    exit: 4,
    hint: 'Point --export-path at a folder you can write to (it is created if missing).',
  },
  // --- reading -------------------------------------------------------------------------------
  MLS_ERR_ARCHIVE_UNKNOWN_KIND: {
    exit: 3,
    http: 400,
    hint: 'A model archive is a .mar (zip), a .tar.gz, or a folder holding MAR-INF/MANIFEST.json.',
  },
  MLS_ERR_ARCHIVE_CORRUPT: {
    exit: 3,
    http: 400,
    hint: 'The archive is damaged or truncated; build it again with mlserve archive.',
  },
  MLS_ERR_ARCHIVE_NO_MANIFEST: {
    exit: 3,
    http: 400,
    hint: 'Build the archive with mlserve archive or torch-model-archiver; both write MAR-INF/MANIFEST.json.',
  },
  MLS_ERR_ARCHIVE_BAD_MANIFEST: {
    exit: 3,
    http: 400,
    hint: 'Fix the manifest field named (path.to.key: message), or build the archive again.',
  },
  MLS_ERR_ARCHIVE_MISSING_ENTRY: {
    exit: 3,
    http: 400,
    hint: 'The manifest names a file the archive does not hold; build the archive again with that file.',
  },
  MLS_ERR_ARCHIVE_BAD_CONFIG: {
    exit: 3,
    http: 400,
    hint: 'Fix the model-config.yaml inside the archive (it must be a YAML mapping).',
  },
  MLS_ERR_ARCHIVE_PATH_TRAVERSAL: {
    exit: 3,
    http: 400,
    hint: 'The archive holds an entry whose path climbs out with ".." (zip slip); it was refused and nothing was extracted. Do not use this archive.',
  },
  MLS_ERR_ARCHIVE_ABSOLUTE_PATH: {
    exit: 3,
    http: 400,
    hint: 'The archive holds an entry with an absolute path; it was refused and nothing was extracted. Do not use this archive.',
  },
  MLS_ERR_ARCHIVE_SYMLINK_ESCAPE: {
    exit: 3,
    http: 400,
    hint: 'The archive holds a symbolic link pointing outside it; it was refused and nothing was extracted. Do not use this archive.',
  },
  MLS_ERR_ARCHIVE_UNSUPPORTED_ENTRY: {
    exit: 3,
    http: 400,
    hint: 'Model archives hold plain files, folders and inner symbolic links only (no encryption, devices or hard links).',
  },
  MLS_ERR_ARCHIVE_TOO_MANY_ENTRIES: {
    exit: 3,
    http: 400,
    hint: 'The archive holds more entries than allowed (a zip bomb guard); raise the entry limit only if you trust it.',
  },
  MLS_ERR_ARCHIVE_TOO_LARGE: {
    exit: 3,
    http: 413,
    hint: 'The archive would extract to more bytes than allowed (a zip bomb guard); raise the size limit only if you trust it.',
  },
  MLS_ERR_ARCHIVE_ENTRY_TOO_LARGE: {
    exit: 3,
    http: 413,
    hint: 'One entry declares more bytes than allowed per file (a zip bomb guard); raise the limit only if you trust it.',
  },
} satisfies Record<string, ErrorSpec>;
