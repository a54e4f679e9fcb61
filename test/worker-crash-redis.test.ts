import { crashScenario } from './worker-crash.ts';

crashScenario('redis');
