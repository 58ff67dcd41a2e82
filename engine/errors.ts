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
