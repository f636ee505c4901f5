#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads every manifest of a directory, e.g. `manifests/functions/`.
public enum ManifestLoader {
    /// File name extensions read as manifests.
    public static let fileExtensions = ["yaml", "yml"]

    /// Parses each `*.yaml` and `*.yml` file directly in `directory` (not in subdirectories), in
    /// file-name order.
    ///
    /// Hidden files (a leading `.`, such as editor backups or macOS `._` files) are skipped.
    /// - Returns: the manifests, in file-name order; never empty.
    /// - Throws: ``ManifestError`` naming the directory when it is missing, unreadable or holds
    ///   no manifest; naming the file for an unreadable or invalid manifest; naming the second
    ///   file and key `service` when two manifests declare the same service.
    public static func load(directory: String) throws(ManifestError) -> [ServiceManifest] {
        var manifests: [ServiceManifest] = []
        var fileByService: [String: String] = [:]
        for path in try manifestPaths(in: directory) {
            let manifest = try ManifestParser.parse(yaml: try read(path), file: path)
            if let first = fileByService[manifest.service] {
                throw ManifestError(
                    file: path, key: "service",
                    message: "service \"\(manifest.service)\" is already declared by \(first)")
            }
            fileByService[manifest.service] = path
            manifests.append(manifest)
        }
        return manifests
    }

    /// The manifest files of `directory`, sorted by name.
    static func manifestPaths(in directory: String) throws(ManifestError) -> [String] {
        let fileManager = FileManager.default
        guard isDirectory(directory) == true else {
            throw ManifestError(
                file: directory, key: "",
                message: "no such directory (expected a directory of <service>.yaml manifests)")
        }
        let names: [String]
        do {
            names = try fileManager.contentsOfDirectory(atPath: directory)
        } catch {
            throw ManifestError(file: directory, key: "", message: "cannot list the directory: \(error)")
        }
        let paths = names.filter(isManifestName).sorted().map { join(directory, $0) }.filter { isDirectory($0) == false }
        guard !paths.isEmpty else {
            throw ManifestError(
                file: directory, key: "", message: "holds no manifest (expected <service>.yaml or <service>.yml files)")
        }
        return paths
    }

    /// Whether `path` is a directory (following a symbolic link, as a mounted ConfigMap needs);
    /// nil when nothing is there.
    private static func isDirectory(_ path: String) -> Bool? {
        #if canImport(FoundationEssentials)
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
            return isDirectory
        #else
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
            return isDirectory.boolValue
        #endif
    }

    private static func isManifestName(_ name: String) -> Bool {
        guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
        return fileExtensions.contains(String(name[name.index(after: dot)...]))
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func read(_ path: String) throws(ManifestError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ManifestError(file: path, key: "", message: "cannot read the file as UTF-8 text: \(error)")
        }
    }
}
