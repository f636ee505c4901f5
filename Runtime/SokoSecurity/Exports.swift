// Tokens are base64url and compared in constant time: the codecs come with the module.
@_exported import SokoCodecs
