"""Autonomy: lidar sensor models, scenes, ray casting and a point-cloud perception pipeline.

Lengths in metres, angles in radians, times in seconds inside; sensor and scene files use
degrees where their field names say so.
"""

from bevsim.autonomy.scenes import Scene, SceneError, list_scenes, load_scene
from bevsim.autonomy.sensors import SensorError, SensorSpec, list_sensors, load_sensor

__all__ = [
    "Scene",
    "SceneError",
    "SensorError",
    "SensorSpec",
    "list_scenes",
    "list_sensors",
    "load_scene",
    "load_sensor",
]
