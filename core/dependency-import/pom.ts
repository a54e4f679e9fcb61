// Maven pom.xml: dependencies and dependencyManagement, in the project and its profiles, with
// ${properties} resolved from the pom itself.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ok, type Result } from '../errors.ts';
import { formatPackageId } from '../packages.ts';
import { Collector, invalid, type ImportReport } from './report.ts';

type PomNode = Record<string, unknown>;
const node = (v: unknown): PomNode => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as PomNode) : {});
const list = (v: unknown): PomNode[] => (Array.isArray(v) ? v.map(node) : v === undefined ? [] : [node(v)]);
const textOf = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/** The dependencies of a pom.xml, or a refusal when it is not well-formed XML or not a pom. */
export function importPom(content: string): Result<ImportReport> {
  const valid = XMLValidator.validate(content);
  if (valid !== true) {
    return invalid(`This pom.xml is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}).`, { format: 'pom.xml' });
  }
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false, // keep "1.0" and "007" as written
    isArray: (tag) => tag === 'dependency' || tag === 'profile',
  });
  const project = node(node(parser.parse(content)).project);
  if (Object.keys(project).length === 0) return invalid('This XML file has no <project>, so it is not a pom.xml.', { format: 'pom.xml' });

  const properties = pomProperties(project);
  const out = new Collector();
  const sections: PomNode[] = [project, ...list(node(project.profiles).profile)];
  for (const section of sections) {
    const deps = [
      ...list(node(section.dependencies).dependency),
      ...list(node(node(section.dependencyManagement).dependencies).dependency),
    ];
    for (const dep of deps) addMavenDependency(dep, properties, out);
  }
  return ok(out.report('pom.xml'));
}

/** `<properties>` plus the built-in `project.*` values a dependency may refer to. */
function pomProperties(project: PomNode): Map<string, string> {
  const props = new Map<string, string>();
  for (const [key, value] of Object.entries(node(project.properties))) {
    const v = textOf(value);
    if (v !== undefined) props.set(key, v);
  }
  const parent = node(project.parent);
  // A module without its own groupId inherits the parent's.
  const groupId = textOf(project.groupId) ?? textOf(parent.groupId);
  const builtIns: Record<string, string | undefined> = {
    'project.groupId': groupId,
    'pom.groupId': groupId,
    groupId,
    'project.artifactId': textOf(project.artifactId),
    'project.version': textOf(project.version) ?? textOf(parent.version),
    'project.parent.groupId': textOf(parent.groupId),
    'project.parent.version': textOf(parent.version),
  };
  for (const [key, value] of Object.entries(builtIns)) if (value !== undefined) props.set(key, value);
  return props;
}

/** Substitutes `${name}`, following properties that refer to properties; undefined names are returned. */
function resolveProperties(value: string, props: Map<string, string>): { value: string; missing: string[] } {
  const missing: string[] = [];
  let current = value;
  // A bounded number of passes: a property cycle must not loop forever.
  for (let pass = 0; pass < 10 && current.includes('${'); pass++) {
    current = current.replace(/\$\{([^}]*)\}/g, (whole, name: string) => props.get(name) ?? whole);
  }
  for (const m of current.matchAll(/\$\{([^}]*)\}/g)) missing.push(m[1]!);
  return { value: current, missing };
}

function addMavenDependency(dep: PomNode, props: Map<string, string>, out: Collector): void {
  const rawGroup = textOf(dep.groupId) ?? '';
  const rawArtifact = textOf(dep.artifactId) ?? '';
  const entry = `${rawGroup}:${rawArtifact}`;
  if (!rawGroup || !rawArtifact) return out.ignore(entry, 'a dependency needs both <groupId> and <artifactId>');
  if (textOf(dep.scope) === 'system') return out.ignore(entry, 'a system-scoped jar on the local disk, not from a Maven repository');
  const group = resolveProperties(rawGroup, props);
  const artifact = resolveProperties(rawArtifact, props);
  const missing = [...new Set([...group.missing, ...artifact.missing])];
  if (missing.length > 0) {
    const names = missing.map((m) => `\${${m}}`).join(', ');
    return out.ignore(entry, `${names} is not defined in this pom (it may come from a parent pom or the command line)`);
  }
  out.add(entry, formatPackageId('maven', `${group.value}:${artifact.value}`));
}
