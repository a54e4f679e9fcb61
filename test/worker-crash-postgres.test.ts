import { crashScenario } from './worker-crash.ts';

crashScenario('postgres');
