@_exported import Logging
// The shared codecs (base64url, hex, form encoding, constant-time comparison) come with the
// function API.
@_exported import SokoCodecs
// Function authors import SokoFunctions alone; the header type comes with it.
@_exported import SokoHTTPTypes
@_exported import SokoStore
@_exported import SokoWorkers
