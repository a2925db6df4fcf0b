// The contract of the archive module: what readers (serve, trace, inspect) get from a .mar.

/** TorchServe's MAR-INF/MANIFEST.json, keys in TorchServe's order. */
export interface MarManifest {
  createdOn: string; // DD/MM/YYYY HH:MM:SS
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
  archiverVersion: string;
  [key: string]: unknown;
}

export type ArchiveFormat = 'default' | 'zip-store' | 'tgz' | 'no-archive';
/** What a file on disk turned out to be. */
export type ArchiveKind = 'zip' | 'tgz' | 'folder';

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
}
