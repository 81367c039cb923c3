import Foundation

/// A column the mapping needs was NULL or absent: a schema the code does not know.
struct MissingColumn: Error, CustomStringConvertible {
    var column: String
    var description: String { "the stored row has no value in column \(column)" }
}
