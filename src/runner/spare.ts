/** the argument a spare worker is started with (runScript.ts prepareWorker): it warms up while it waits for its run */
export const SPARE_ARG = "--spare";
