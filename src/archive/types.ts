// The contract of the archive module: what readers (serve, trace, inspect) get from a .mar.

/** TorchServe's MAR-INF/MANIFEST.json, keys in TorchServe's order. */
export interface MarManifest {
  createdOn: string; // DD/MM/YYYY HH:MM:SS ('' when the archive's manifest has none, as MMS 1.0's)
  runtime: string; // "python" for archives TorchServe can load; mlserve's JS handlers are marked otherwise
  model: {
    modelName: string;
    serializedFile?: string;
    handler?: string;
    modelFile?: string;
    modelVersion: string;
    requirementsFile?: string;
    configFile?: string;
    [key: string]: unknown;
  };
  archiverVersion: string; // '' when the archive's manifest has none
  [key: string]: unknown;
}

export type ArchiveFormat = 'default' | 'zip-store' | 'tgz' | 'no-archive';
export const ARCHIVE_FORMATS: readonly ArchiveFormat[] = ['default', 'zip-store', 'tgz', 'no-archive'];

/** What a file on disk turned out to be. */
export type ArchiveKind = 'zip' | 'tgz' | 'folder';

/** Who wrote the manifest: torch-model-archiver (and mlserve) or MMS 1.0's model-archiver. */
export type ManifestStyle = 'torchserve' | 'mms';

/** How the handler named in the manifest runs. */
export type HandlerKind = 'builtin' | 'python' | 'javascript';

export interface ArchiveEntry {
  path: string; // posix path inside the archive, without the tgz `<model-name>/` prefix
  size: number; // uncompressed bytes
  type: 'file' | 'directory' | 'symlink';
}

export interface ArchiveInfo {
  path: string;
  kind: ArchiveKind;
  manifest: MarManifest;
  entries: ArchiveEntry[];
  /** The archive-format flag that would produce this archive (zip with every entry stored: zip-store). */
  format: ArchiveFormat;
  style: ManifestStyle;
  handlerKind: HandlerKind;
  /** Bytes the archive takes on disk (the sum of its files for a folder). */
  bytes: number;
  /** Sum of the entries' uncompressed sizes. */
  uncompressedBytes: number;
}

/** Caps applied while extracting (zip bombs, hostile archives). */
export interface ExtractLimits {
  maxTotalBytes: number;
  maxEntries: number;
  maxEntryBytes: number;
}

export interface ExtractedArchive {
  dir: string; // folder holding the archive's files (MAR-INF/ included)
  manifest: MarManifest;
  /** Absolute path of the serialized model file, if the manifest names one. */
  serializedFilePath?: string;
  /** Parsed model-config.yaml (TorchServe's keys: minWorkers, maxWorkers, batchSize, maxBatchDelay, responseTimeout, ...). */
  modelConfig?: Record<string, unknown>;
  /** Absolute path of the handler file when the handler is a file in the archive (JavaScript or Python). */
  handlerPath?: string;
  handlerKind: HandlerKind;
  /** True when `dir` is the caller's folder archive itself (nothing was copied; do not delete it). */
  inPlace: boolean;
}

/** torch-model-archiver's flags, as typed options. */
export interface WriteArchiveOptions {
  modelName: string;
  version: string;
  serializedFile?: string;
  modelFile?: string;
  /** A built-in handler name (image_classifier, ...) or a handler file (.py, or .js/.mjs/.cjs for mlserve). */
  handler: string;
  /** Comma-list items: files, folders (their contents are copied in) or glob patterns. */
  extraFiles?: string[];
  /** python (default for Python and built-in handlers), python3, or mlserve-js (default for JavaScript handlers). */
  runtime?: string;
  exportPath: string;
  archiveFormat: ArchiveFormat;
  force: boolean;
  requirementsFile?: string;
  configFile?: string;
  /** Creation time written to createdOn (tests pin it). */
  now?: Date;
}

export interface ArchiveProgress {
  bytes: number;
  totalBytes: number;
}

export interface WriteArchiveResult {
  path: string;
  format: ArchiveFormat;
  manifest: MarManifest;
  /** Bytes written (the archive file, or the files of a no-archive folder). */
  bytes: number;
  /** Files put in the archive besides MAR-INF/MANIFEST.json. */
  files: string[];
  /** What mlserve serve will refuse about the archive (it is written all the same: TorchServe may run it). */
  warnings: string[];
}
