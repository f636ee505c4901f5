@_exported import Logging
// Function authors import SokoFunctions alone; the header type comes with it.
@_exported import SokoHTTPTypes
@_exported import SokoStore
@_exported import SokoWorkers
