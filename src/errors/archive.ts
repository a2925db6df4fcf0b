import { EXIT, variants, type Arg, type ErrorSpec } from './spec.js';

// Codes of the archive area. Add new codes here; tests assert codes, not wording.
// Writing (mlserve archive) fails with usage (2) or io (4) codes; reading a bad or hostile archive
// fails with input (3) codes, one per kind of refusal, so a caller can tell a zip slip from a bomb.
/** What is wrong with a path given to `mlserve archive`. */
const INPUT_PROBLEMS = {
  missing: 'does not exist',
  noMatch: 'the pattern matches nothing',
  notFile: 'is not a file',
  neither: 'is neither a file nor a folder',
} as const;
export type InputProblem = keyof typeof INPUT_PROBLEMS;

export const archiveErrors = {
  // --- writing -------------------------------------------------------------------------------
  MLS_ERR_ARCHIVE_BAD_NAME: {
    message: (a: { name: Arg }) => `model name "${a.name}" contains characters torch-model-archiver does not allow`,
    exit: EXIT.usage,
    http: 400,
    type: 'InvalidModelException',
    hint: 'Model names match ^[A-Za-z0-9][A-Za-z0-9_\\-.]*$ (as torch-model-archiver requires): start with a letter or digit, then letters, digits, _, - or .',
  },
  MLS_ERR_ARCHIVE_FORMAT_UNKNOWN: {
    message: (a: { v: Arg; formats: Arg }) => `archive format "${a.v}" is not one of ${a.formats}`,
    exit: EXIT.usage,
    hint: 'Use --archive-format default, zip-store, tgz or no-archive.',
  },
  MLS_ERR_ARCHIVE_RUNTIME: {
    message: variants({
      unknown: (a: { runtime: Arg; runtimes: Arg }) => `runtime "${a.runtime}" is not one of ${a.runtimes}`,
      jsNeedsJsRuntime: (a: { handler: Arg; runtime: Arg }) => `handler ${a.handler} is JavaScript: its archive needs runtime ${a.runtime} so that TorchServe refuses it instead of importing it as Python`,
      jsRuntimeForJsOnly: (a: { handler: Arg; kind: Arg; runtime: Arg }) => `handler ${a.handler} is ${a.kind}: runtime ${a.runtime} is for JavaScript handlers`,
    }),
    exit: EXIT.usage,
    http: 400,
    type: 'InvalidModelException',
    hint: 'Use --runtime python (or python3) with a Python or built-in handler, and mlserve-js with a JavaScript handler; leave it out to get the right one.',
  },
  MLS_ERR_ARCHIVE_INCOMPATIBLE: {
    message: (a: { handler: Arg; serializedFile: Arg }) => `handler ${a.handler} with --model-file would make TorchServe torch.load ${a.serializedFile}`,
    exit: EXIT.usage,
    hint: "TorchServe's built-in handlers load an .onnx serialized file only when no --model-file is given; drop --model-file or use a custom handler.",
  },
  MLS_ERR_ARCHIVE_INPUT_NOT_FOUND: {
    message: variants({
      missing: (a: { flag: Arg; path: Arg; what: InputProblem }) => `${a.flag} ${a.path}: ${INPUT_PROBLEMS[a.what]}`,
      changedSize: (a: { name: Arg }) => `${a.name} changed size while it was being archived`,
    }),
    exit: EXIT.io,
    hint: 'Check the path given to the flag named; relative paths are taken from the current folder.',
  },
  MLS_ERR_ARCHIVE_EXPORT_PATH: {
    message: variants({
      notFolder: (a: { exportPath: Arg }) => `export path ${a.exportPath}: is not a folder`,
      cannotCreate: (a: { exportPath: Arg; code: Arg }) => `export path ${a.exportPath}: cannot be created (${a.code})`,
      notWritable: (a: { exportPath: Arg }) => `export path ${a.exportPath}: is not writable`,
      targetIsFolder: (a: { target: Arg }) => `${a.target} is a folder; --force replaces archive files only`,
    }),
    exit: EXIT.io,
    hint: 'Point --export-path at a folder you can write to (it is created if missing).',
  },
  // --- reading -------------------------------------------------------------------------------
  MLS_ERR_ARCHIVE_UNKNOWN_KIND: {
    message: (a: { path: Arg }) => `${a.path}: neither a zip (.mar), a gzip tar (.tar.gz) nor a folder`,
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'A model archive is a .mar (zip), a .tar.gz, or a folder holding MAR-INF/MANIFEST.json.',
  },
  MLS_ERR_ARCHIVE_CORRUPT: {
    message: (a: { archive: Arg; reason: Arg }) => `${a.archive}: ${a.reason}`,
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'The archive is damaged or truncated; build it again with mlserve archive.',
  },
  MLS_ERR_ARCHIVE_NO_MANIFEST: {
    message: variants({
      archive: (a: { archive: Arg; manifest: Arg }) => `${a.archive}: no ${a.manifest} (at the top, or under one <model-name>/ folder)`,
      folder: (a: { dir: Arg; manifest: Arg }) => `${a.dir}: no ${a.manifest}`,
    }),
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'Build the archive with mlserve archive or torch-model-archiver; both write MAR-INF/MANIFEST.json.',
  },
  MLS_ERR_ARCHIVE_BAD_MANIFEST: {
    message: variants({
      field: (a: { archive: Arg; manifest: Arg; field: Arg; message: Arg }) => `${a.archive}: ${a.manifest}: ${a.field}: ${a.message}`,
      tooLarge: (a: { what: Arg; max: Arg }) => `${a.what} is larger than ${a.max} bytes`,
    }),
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'Fix the manifest field named (path.to.key: message), or build the archive again.',
  },
  MLS_ERR_ARCHIVE_MISSING_ENTRY: {
    message: (a: { archive: Arg; field: Arg; name: Arg }) => `${a.archive}: ${a.field} names ${a.name}, which the archive does not hold`,
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'The manifest names a file the archive does not hold; build the archive again with that file.',
  },
  MLS_ERR_ARCHIVE_BAD_CONFIG: {
    message: variants({
      unreadable: (a: { where: Arg; reason: Arg }) => `${a.where}: ${a.reason}`,
      notMapping: (a: { where: Arg }) => `${a.where}: must be a YAML mapping`,
    }),
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'Fix the model-config.yaml inside the archive (it must be a YAML mapping).',
  },
  MLS_ERR_ARCHIVE_PATH_TRAVERSAL: {
    message: variants({
      dotDot: (a: { archive: Arg; rawName: Arg }) => `${a.archive}: entry ${a.rawName} climbs out of the archive with ".."`,
      resolvesOutside: (a: { entryPath: Arg; root: Arg }) => `entry ${a.entryPath} resolves outside ${a.root}`,
    }),
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'The archive holds an entry whose path climbs out with ".." (zip slip); it was refused and nothing was extracted. Do not use this archive.',
  },
  MLS_ERR_ARCHIVE_ABSOLUTE_PATH: {
    message: (a: { archive: Arg; rawName: Arg }) => `${a.archive}: entry ${a.rawName} has an absolute path`,
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'The archive holds an entry with an absolute path; it was refused and nothing was extracted. Do not use this archive.',
  },
  MLS_ERR_ARCHIVE_SYMLINK_ESCAPE: {
    message: variants({
      outsideFolder: (a: { archive: Arg; rel: Arg; target: Arg }) => `${a.archive}: symbolic link ${a.rel} -> ${a.target} points outside the folder`,
      resolvesOutsideFolder: (a: { archive: Arg; rel: Arg; real: Arg }) => `${a.archive}: symbolic link ${a.rel} resolves to ${a.real}, outside the folder`,
      outsideArchive: (a: { archive: Arg; entryPath: Arg; target: Arg }) => `${a.archive}: symbolic link ${a.entryPath} -> ${a.target} points outside the archive`,
    }),
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'The archive holds a symbolic link pointing outside it; it was refused and nothing was extracted. Do not use this archive.',
  },
  MLS_ERR_ARCHIVE_UNSUPPORTED_ENTRY: {
    message: variants({
      specialFile: (a: { archive: Arg; rel: Arg }) => `${a.archive}: ${a.rel} is a device, pipe or socket`,
      nulByte: (a: { archive: Arg; rawName: Arg }) => `${a.archive}: entry name ${a.rawName} holds a NUL byte`,
      tarType: (a: { archive: Arg; name: Arg; type: Arg }) => `${a.archive}: entry ${a.name} is a ${a.type} entry`,
      specialEntry: (a: { archive: Arg; name: Arg }) => `${a.archive}: entry ${a.name} is a device, pipe or socket`,
      encrypted: (a: { archive: Arg; name: Arg }) => `${a.archive}: entry ${a.name} is encrypted`,
    }),
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'Model archives hold plain files, folders and inner symbolic links only (no encryption, devices or hard links).',
  },
  MLS_ERR_ARCHIVE_TOO_MANY_ENTRIES: {
    message: (a: { archive: Arg; count: Arg; maxEntries: Arg }) => `${a.archive}: ${a.count} entries or more, the limit is ${a.maxEntries}`,
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'The archive holds more entries than allowed (a zip bomb guard); raise the entry limit only if you trust it.',
  },
  MLS_ERR_ARCHIVE_TOO_LARGE: {
    message: (a: { archive: Arg; bytes: Arg; maxTotalBytes: Arg }) => `${a.archive}: extracts to ${a.bytes} or more, the limit is ${a.maxTotalBytes}`,
    exit: EXIT.input,
    http: 413,
    type: 'InvalidModelException',
    hint: 'The archive would extract to more bytes than allowed (a zip bomb guard); raise the size limit only if you trust it.',
  },
  MLS_ERR_ARCHIVE_ENTRY_TOO_LARGE: {
    message: (a: { archive: Arg; path: Arg; bytes: Arg; maxEntryBytes: Arg }) => `${a.archive}: entry ${a.path} declares ${a.bytes}, the per-file limit is ${a.maxEntryBytes}`,
    exit: EXIT.input,
    http: 413,
    type: 'InvalidModelException',
    hint: 'One entry declares more bytes than allowed per file (a zip bomb guard); raise the limit only if you trust it.',
  },
} satisfies Record<string, ErrorSpec>;
