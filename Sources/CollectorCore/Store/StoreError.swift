import DowntimeProtocol
import Foundation
import Logging

/// Errors a store reports about the caller's request (not about itself).
public enum StoreError: Error, Equatable {
    case deviceExists(String)
    case noSuchDevice(String)
    case userExists(String)
    case apiKeyExists(String)
    case statusPageExists(String)
    case jobExists(String)
}
