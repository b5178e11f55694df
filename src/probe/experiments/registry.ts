/**
 * The experiment modules by id. Registering an experiment: add its id to EXPERIMENT_IDS
 * (src/diagnose/experiment-record.ts), a row to src/knowledge/followups.ts, its module here, and
 * its conclusions to CONCLUDE in src/diagnose/findings.ts (the compiler asks for each).
 */
import type { ExperimentId } from '../../diagnose/experiment-record.js';
import type { ExperimentModule } from './context.js';
import { serviceId } from './service-id.js';
import { repeat } from './repeat.js';
import { neutralPayload } from './neutral-payload.js';

export const EXPERIMENTS: Readonly<Record<ExperimentId, ExperimentModule>> = {
  service_id: serviceId,
  repeat,
  neutral_payload: neutralPayload,
};
