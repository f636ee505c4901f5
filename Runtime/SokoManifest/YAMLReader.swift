import CYAML

/// Reads one YAML document into a ``YAMLNode`` tree with libyaml's event parser.
///
/// Scalars keep their text: nothing is resolved by pattern, the manifest parsers read numbers and
/// durations themselves. Anchors and aliases are followed (an alias stands for the anchored node),
/// a key written twice in one mapping is refused, and so is a second document.
public enum YAMLReader {
    /// The document in `text`, or `nil` when the text holds none (empty, or only comments).
    /// - Throws: ``YAMLError`` naming the line and column of the problem.
    public static func read(_ text: String) throws(YAMLError) -> YAMLNode? {
        let events = try YAMLEvents(text)
        _ = try events.next()  // the stream start
        let first = try events.next()
        guard first.type != YAML_STREAM_END_EVENT else { return nil }
        var anchors: [String: YAMLNode] = [:]
        let root = try node(try events.next(), from: events, anchors: &anchors)
        _ = try events.next()  // the document end
        let after = try events.next()
        guard after.type == YAML_STREAM_END_EVENT else {
            throw YAMLError(at: after.mark, "but found another document (expected a single document in the stream)")
        }
        return root
    }

    /// The node that `event` starts, reading its children from `events`.
    private static func node(
        _ event: YAMLEvent, from events: YAMLEvents, anchors: inout [String: YAMLNode]
    ) throws(YAMLError) -> YAMLNode {
        let node: YAMLNode
        switch event.type {
        case YAML_ALIAS_EVENT:
            guard let anchor = event.anchor, let target = anchors[anchor] else {
                throw YAMLError(at: event.mark, "found undefined alias \"\(event.anchor ?? "")\"")
            }
            return target
        case YAML_SEQUENCE_START_EVENT:
            var items: [YAMLNode] = []
            var next = try events.next()
            while next.type != YAML_SEQUENCE_END_EVENT {
                items.append(try self.node(next, from: events, anchors: &anchors))
                next = try events.next()
            }
            node = .sequence(items)
        case YAML_MAPPING_START_EVENT:
            var entries: [(key: YAMLNode, value: YAMLNode)] = []
            var next = try events.next()
            while next.type != YAML_MAPPING_END_EVENT {
                let key = try self.node(next, from: events, anchors: &anchors)
                if let name = key.text, entries.contains(where: { $0.key.text == name }) {
                    throw YAMLError(
                        "the key \"\(name)\" appears twice in the mapping that starts at line \(event.mark.line + 1)")
                }
                entries.append((key, try self.node(try events.next(), from: events, anchors: &anchors)))
                next = try events.next()
            }
            node = .mapping(entries)
        default:
            node = .scalar(event.scalar ?? "", plain: event.isPlain)
        }
        if let anchor = event.anchor { anchors[anchor] = node }
        return node
    }
}

/// libyaml's parser over a copy of the text, handing out one event at a time.
private final class YAMLEvents {
    private let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    private let input: UnsafeMutableBufferPointer<UInt8>

    init(_ text: String) throws(YAMLError) {
        input = .allocate(capacity: text.utf8.count)
        _ = input.initialize(from: text.utf8)
        guard yaml_parser_initialize(parser) == 1 else {
            input.deallocate()
            parser.deallocate()
            throw YAMLError("the YAML parser cannot start (out of memory)")
        }
        yaml_parser_set_input_string(parser, input.baseAddress, input.count)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event, copied out of libyaml's buffers.
    func next() throws(YAMLError) -> YAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw YAMLError(parser: parser.pointee) }
        defer { yaml_event_delete(&event) }
        return YAMLEvent(event)
    }
}

/// The parts of a libyaml event the reader uses.
private struct YAMLEvent {
    let type: yaml_event_type_t
    let mark: yaml_mark_t
    let anchor: String?
    let scalar: String?
    /// Written unquoted and without a tag.
    let isPlain: Bool

    init(_ event: yaml_event_t) {
        type = event.type
        mark = event.start_mark
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            self.scalar = String(
                decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            anchor = scalar.anchor.map { String(cString: $0) }
            isPlain = scalar.plain_implicit == 1 && scalar.style == YAML_PLAIN_SCALAR_STYLE
        case YAML_ALIAS_EVENT:
            anchor = event.data.alias.anchor.map { String(cString: $0) }
            (scalar, isPlain) = (nil, false)
        case YAML_SEQUENCE_START_EVENT:
            anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
            (scalar, isPlain) = (nil, false)
        case YAML_MAPPING_START_EVENT:
            anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
            (scalar, isPlain) = (nil, false)
        default:
            (anchor, scalar, isPlain) = (nil, nil, false)
        }
    }
}
