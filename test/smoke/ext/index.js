// Throwaway extension for the harness smoke probe: nothing to do.
exports.activate = function activate() {};
exports.deactivate = function deactivate() {};
