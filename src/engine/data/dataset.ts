// a small labelled data set: one row of features per example, one label per row.

export interface Dataset {
  X: number[][];
  y: number[];
  /** names of the features (columns of X), when they have names */
  features?: string[];
  /** names of the classes, indexed by label */
  classes?: string[];
}
