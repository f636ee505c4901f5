// Tokens are base64url: the codec comes with the module.
@_exported import SokoCodecs
