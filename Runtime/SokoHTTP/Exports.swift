// The plain HTTP value types (headers, status reasons) are shared with the function API.
@_exported import SokoHTTPTypes
