/** Lamina's version, read from package.json at build time (the one source of the version). */
import { version } from '../package.json';

/** The version of this Lamina build (package.json's "version"). */
export const VERSION: string = version;
