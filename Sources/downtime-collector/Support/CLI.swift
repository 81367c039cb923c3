import ArgumentParser
import CollectorCore
import Foundation

/// Runs `body`, turning a refusal into one line on stderr and its exit code, the one place they are chosen:
/// 2 for a bad configuration or input, 3 for something named that does not exist.
func cli<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ConfigError {
        throw failure(error.description, exitCode: 2)
    } catch let error as AdminError {
        throw failure(error.description, exitCode: error.isNotFound ? 3 : 2)
    } catch let error as CLIError {
        throw failure(error.message, exitCode: error.exitCode)
    }
}

private func failure(_ message: String, exitCode: Int32) -> ExitCode {
    FileHandle.standardError.write(Data("downtime-collector: \(message)\n".utf8))
    return ExitCode(exitCode)
}
