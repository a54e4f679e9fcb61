// Dependency import from manifests and SBOMs: one file per format under core/dependency-import/.
export { importDependencies, type ImportReport, type ManifestFormat } from './dependency-import/index.ts';
