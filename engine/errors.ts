/** Errors that name what is at fault. The CLI maps SpecError to exit code 2 and the rest to 1. */

/** A network spec or a run option is invalid; `field` is a path such as `populations[1].tau`. */
export class SpecError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'SpecError';
  }
}

/** No WebGPU adapter could be obtained. */
export class AdapterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterError';
  }
}

/** A GPU validation error, out-of-memory or device loss, attributed to a kernel or buffer. */
export class GpuError extends Error {
  constructor(readonly what: string, message: string) {
    super(`${what}: ${message}`);
    this.name = 'GpuError';
  }
}

/**
 * A state variable became NaN or infinite (the runtime's fault check, on by default): the first step at
 * which it happened and the first such value in (population, instance, neuron, variable) order. The run
 * stopped after that step; recordings up to and including it were delivered.
 */
export class NumericalError extends Error {
  constructor(readonly step: number, readonly population: string, readonly variable: string, readonly instance: number, readonly neuron: number) {
    super(`numerical fault at step ${step}: ${variable} of population "${population}" (instance ${instance}, neuron ${neuron}) is NaN or infinite; the run stopped after this step (recordings up to it were kept)`);
    this.name = 'NumericalError';
  }
}
