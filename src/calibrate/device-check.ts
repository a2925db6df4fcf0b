// calibrate --processor gpu|inf: the capacity is measured on the device or not at all. The
// machine's devices are checked as `mlserve serve --processor` checks them (no CPU fallback), and
// the calibration server is given the first usable device only: pack counts a GPU or Inferentia
// family's util per device, so the server measured must own exactly one.
import { MlsError, isMlsError } from '../errors.js';
import { silentLogger } from '../log.js';
import { systemProbe, type DeviceProbe } from '../serve/devices.js';
import { resolveProcessor } from '../serve/processor.js';

export interface CalibrationDevice {
  processor: 'cpu' | 'gpu' | 'inf';
  /** The device the server owns (gpu / inf), as the machine numbers it. */
  devices?: number[];
}

export async function calibrationDevice(processor: 'cpu' | 'gpu' | 'inf', probe: DeviceProbe = systemProbe()): Promise<CalibrationDevice> {
  if (processor === 'cpu') return { processor };
  try {
    const state = await resolveProcessor({ processor, allowCpuFallback: false }, probe, silentLogger);
    return { processor, devices: state.deviceIds.slice(0, 1) };
  } catch (e) {
    if (!isMlsError(e) || e.code !== 'MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE') throw e;
    const problems = e.message.replace(/^--processor \w+ /, '');
    throw new MlsError('MLS_ERR_CALIBRATE_PROCESSOR_UNAVAILABLE', processor === 'gpu' ? { gpu: { problems } } : { inf: { problems } }, {
      details: { processor, ...(e.details ?? {}) },
      cause: e,
    });
  }
}

/** The calibration server's processor flags: always explicit, so MLSERVE_PROCESSOR cannot change what is measured. */
export function serverProcessorArgs(d: CalibrationDevice): string[] {
  return ['--processor', d.processor, ...(d.devices?.length ? ['--devices', d.devices.join(',')] : [])];
}
