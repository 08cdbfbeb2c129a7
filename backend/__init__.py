"""The backend: brokers calls between booths and officials, stores the data."""
